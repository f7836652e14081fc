package qcowdesk.app.devices;

import javafx.scene.control.Label;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.testkit.Peers;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cleaner deletes the runtime directory while the app owns attached devices: the app notices, says so in the
 * status bar, and puts the directory and its sockets back, so that qcowctl and NBD clients reach it again.
 */
class RemovedSocketsUiTest extends AppUiTest {

    /** The keeper looks twice a second; a loaded machine gets ample room. */
    private static final Duration BOUND = Duration.ofSeconds(15);

    private String notice(FxRobot robot) {
        return Fx.get(() -> robot.lookup("#status-notice").queryAs(Label.class).getText());
    }

    @Test
    void socketsDeletedFromUnderTheAppAreNoticedAndPutBack(FxRobot robot) throws Exception {
        Peers.require("nbdinfo");
        assertTrue(app.model.devices().service().ownsDevices(), "the app owns the devices here");
        Path image = dir.resolve("disk.qcow2");
        Peers.ok("qemu-img", "create", "-f", "qcow2", image.toString(), "16M");
        Path runtime = app.directories.runtime().path();
        String uri;
        try (ControlClient client = ControlClient.connect(app.directories.runtime())) {
            uri = client.attach(image.toString(), false, 9, "qcow0").uri();
        }
        Peers.ok("nbdinfo", uri);
        assertEquals("", notice(robot));

        Peers.ok("rm", "-rf", runtime.toString());
        assertTrue(Files.notExists(runtime));

        Fx.await(BOUND, "the status bar says the sockets were re-created",
                () -> notice(robot).contains("re-created") && notice(robot).contains(runtime.toString()));
        // what a person types next works again
        Qcowctl list = qcowctl(runtime, "list");
        assertEquals(0, list.exit(), list.output());
        assertTrue(list.output().contains("qcow0") && list.output().contains(image.toString()), list.output());
        Peers.ok("nbdinfo", uri);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runtime)),
                "the directory is private again");
        assertTrue(Files.exists(runtime.resolve("owner.lock")), "the owner lock is taken again");
    }

    private record Qcowctl(int exit, String output) {
    }

    /** The real qcowctl (the cli module is on the test class path), as a process of its own. */
    private static Qcowctl qcowctl(Path runtime, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "qcowdesk.cli.Qcowctl"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("QCOWDESK_RUNTIME_DIR", runtime.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "qcowctl finished");
        return new Qcowctl(process.exitValue(), output);
    }
}
