package qcowdesk.app.devices;

import javafx.scene.control.Label;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.bridge.host.DeviceHost;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.testkit.Peers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When an owner already runs (as qcowctl daemon does), the app becomes its client and says so. */
class RunningDaemonTest extends AppUiTest {

    private DeviceHost daemon;

    @Override
    protected void beforeStart() throws IOException {
        daemon = DeviceHost.start(DeviceServices.ownerOptions(runtime().ensureExists(), "qcowctl daemon"));
    }

    @Override
    protected void afterClose() throws IOException {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void usesTheRunningDaemonAndSaysSo(FxRobot robot) throws Exception {
        String status = Fx.get(() -> robot.lookup("#status-connection").queryAs(Label.class).getText());
        assertTrue(status.startsWith("Connected to the running qcowctl daemon (pid " + ProcessHandle.current().pid() + ")"),
                status);

        Path image = dir.resolve("shared.qcow2");
        Peers.ok("qemu-img", "create", "-f", "qcow2", image.toString(), "16M");
        Fx.run(() -> app.model.devices().attach(new AttachRequest(image.toString(), false, 12, null), device -> { },
                failure -> { }));
        Fx.await("the app's attach shows", () -> app.deviceRows().size() == 1);
        assertEquals(List.of(new DeviceInfo("qcow0", image.toString(), false, 4096, 16L << 20, 0)),
                daemon.devices().list(), "the daemon owns the device");

        // the disk lives in the daemon: the inspection panes see it through the owner, live
        Fx.run(() -> app.model.library().add(image));
        Fx.await("the image is inspected", () -> app.model.inspection().shownProperty().get() != null);
        assertTrue(Fx.get(() -> app.model.inspection().shownProperty().get().live()));
        assertEquals(16L << 20, (long) Fx.get(() -> app.model.inspection().shownProperty().get().disk().size()));

        daemon.devices().detach("qcow0", false);
        Fx.await("the daemon's detach shows in the app", () -> app.deviceRows().isEmpty());
    }

    @Test
    void aSnapshotAttachedThroughTheDaemonIsReadOnlyAndSaysWhich(FxRobot robot) throws Exception {
        Path image = dir.resolve("snaps.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "16M");
        Peers.ok("qemu-io", "-c", "write -P 0x11 0 1M", image.toString());
        Peers.ok("qemu-img", "snapshot", "-c", "s1", image.toString());
        Peers.ok("qemu-io", "-c", "write -P 0x22 0 1M", image.toString());
        Fx.run(() -> app.model.devices().attach(new AttachRequest(image.toString(), true, 9, null).withSnapshot("s1"),
                device -> { }, failure -> { }));
        Fx.await("the app's attach shows", () -> app.deviceRows().size() == 1);
        assertEquals(List.of(new DeviceInfo("qcow0", image.toString(), true, 512, 16L << 20, 0, false, "s1")),
                daemon.devices().list(), "the daemon presents the snapshot");
        assertEquals("s1", app.deviceRows().get(0).snapshot(), "the app hears which snapshot");
        String uri = "nbd+unix:///qcow0?socket=" + runtime().nbdSocket().toAbsolutePath();
        Peers.ok("qemu-io", "-f", "raw", "-r", "-c", "read -P 0x11 0 1M", uri);
        daemon.devices().detach("qcow0", true); // the app may still be reading the device's stat over NBD
        Fx.await("the daemon's detach shows in the app", () -> app.deviceRows().isEmpty());
    }
}
