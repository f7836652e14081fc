package qcowdesk.app.devices;

import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.Pane;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.app.TestApp;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.testkit.Peers;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The app as a client of a real {@code qcowctl daemon} (a process of its own): an image the daemon owns shows live
 * in Growth and on the allocation map while qemu-io writes to it through NBD, as it would if the app owned it;
 * when the daemon goes away the app says the owner is lost, clears the table and offers to start one.
 */
class DaemonLiveViewsUiTest extends AppUiTest {

    private static final Duration LIVE = Duration.ofSeconds(30);

    private ProcessHandle daemon;

    @Override
    protected void beforeStart() throws IOException {
        try {
            TestApp.useQcowctlFromTestClassPath();
            daemon = BackgroundOwner.locate().orElseThrow().start(runtime().ensureExists());
        } finally {
            System.clearProperty(BackgroundOwner.COMMAND_PROPERTY);
        }
    }

    @Override
    protected void afterClose() {
        if (daemon != null) {
            TestApp.stopBackgroundDaemon(daemon);
        }
    }

    private String text(FxRobot robot, String id) {
        return Fx.get(() -> robot.lookup(id).queryAs(Label.class).getText());
    }

    /** The allocation map's summary: the map follows the device while another tab is shown (out of the scene). */
    private String mapSummary() {
        return Fx.get(() -> app.window.mapPane().model().summaryProperty().get());
    }

    /** The legend's entry for guest data, e.g. "data 128". */
    private String legendData(FxRobot robot) {
        return Fx.get(() -> {
            for (Node entry : ((Pane) app.window.mapPane().lookup("#map-legend")).getChildren()) {
                for (Node child : ((Pane) entry).getChildren()) {
                    if (child instanceof Label label && label.getText().startsWith("data ")) {
                        return label.getText();
                    }
                }
            }
            return "";
        });
    }

    @Test
    void growthAndTheMapFollowWritesToADaemonsDeviceAndALostDaemonIsShownAsLost(FxRobot robot) throws Exception {
        Peers.require("qemu-io");
        assertTrue(text(robot, "#status-connection").startsWith("Connected to the running qcowctl daemon (pid "),
                text(robot, "#status-connection"));
        Path image = dir.resolve("daemon.qcow2");
        Peers.ok("qemu-img", "create", "-f", "qcow2", "-o", "cluster_size=65536", image.toString(), "64M");
        String uri;
        try (ControlClient client = ControlClient.connect(app.directories.runtime())) {
            uri = client.attach(image.toString(), false, 9, "qcow0").uri();
        }
        Fx.await("the daemon's device joins the library", () -> app.model.library().find(image).isPresent());
        Fx.run(() -> app.model.library().selectedProperty().set(app.model.library().find(image).orElseThrow()));
        robot.clickOn("Growth");
        Fx.await(LIVE, "Growth samples the daemon's device", () -> text(robot, "#growth-note").startsWith("Attached read-write")
                && text(robot, "#growth-current").endsWith(" 0 clusters allocated"));
        assertTrue(Fx.get(() -> !robot.lookup("#growth-empty").queryAs(Label.class).isVisible()),
                "no 'Not attached' in place of the charts");
        Fx.await(LIVE, "the map is live", () -> mapSummary().endsWith("· live"));
        assertEquals("data 0", legendData(robot));

        // a client stays connected while it writes: the views follow its writes through the owner's events
        // (a client coming or going makes the library read the image again, which rescans everything)
        Process client = new ProcessBuilder("qemu-io", "-f", "raw", uri).redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu-io.out").toFile()).start();
        try {
            Fx.await(LIVE, "the client is connected", () -> app.deviceRows().size() == 1 && app.deviceRows().get(0).clients() == 1);
            Fx.await(LIVE, "the views show the device again", () -> mapSummary().endsWith("· live")
                    && legendData(robot).equals("data 0")
                    && text(robot, "#growth-current").endsWith(" 0 clusters allocated"));
            // 8 MiB at 16 MiB: 128 clusters of 64 KiB (one command: qemu-io runs one per read of its input)
            client.getOutputStream().write("write -P 0x22 16M 8M\n".getBytes());
            client.getOutputStream().flush();
            try {
                Fx.await(LIVE, "Growth counts the clusters the client allocated",
                        () -> text(robot, "#growth-current").endsWith(" 128 clusters allocated"));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; it says '" + text(robot, "#growth-current") + "', the map '"
                        + legendData(robot) + "', qemu-io: " + java.nio.file.Files.readString(dir.resolve("qemu-io.out")), e);
            }
            robot.clickOn("Allocation map");
            Fx.await(LIVE, "the map shows them", () -> legendData(robot).equals("data 128"));
            assertEquals(1, app.deviceRows().get(0).clients(), "all of it while the client was connected");
            client.getOutputStream().close();
            assertTrue(client.waitFor(60, TimeUnit.SECONDS), "qemu-io finished");
        } finally {
            client.destroyForcibly();
        }

        daemon.destroy();
        assertTrue(daemon.onExit().orTimeout(30, TimeUnit.SECONDS).join() != null);
        Fx.await(LIVE, "the table is cleared", () -> app.deviceRows().isEmpty());
        Fx.await("the status bar says the owner is lost",
                () -> text(robot, "#status-connection").startsWith("The device owner is gone"));
        assertTrue(Fx.get(() -> robot.lookup("#start-owner").queryAs(Button.class).isVisible()));
        robot.clickOn("Growth");
        Fx.await(LIVE, "Growth no longer claims the device is live",
                () -> text(robot, "#growth-empty").startsWith("Not attached"));
    }
}
