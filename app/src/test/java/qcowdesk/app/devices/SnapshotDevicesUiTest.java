package qcowdesk.app.devices;

import javafx.scene.control.ComboBox;
import javafx.scene.control.RadioButton;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.matcher.control.LabeledMatchers;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.app.attach.AttachModel;
import qcowdesk.app.inspect.Headless;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.library.ImageState;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.testkit.Peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attach dialog's "Snapshot:" choice, driven in the real main window with the embedded owner: the image's
 * internal snapshots (made by qemu-img) are offered after the current state; the chosen one is attached
 * read-only, the devices table says which snapshot it is, and qemu-io reads the snapshot's data, not the current.
 */
class SnapshotDevicesUiTest extends AppUiTest {

    @Test
    void theChosenSnapshotIsAttachedReadOnly(FxRobot robot) throws Exception {
        Path file = dir.resolve("snaps.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", file.toString(), "16M");
        Peers.ok("qemu-io", "-c", "write -P 0x11 0 1M", file.toString());
        Peers.ok("qemu-img", "snapshot", "-c", "before", file.toString());
        Peers.ok("qemu-io", "-c", "write -P 0x22 0 2M", file.toString());
        Peers.ok("qemu-img", "snapshot", "-c", "after", file.toString());
        Peers.ok("qemu-io", "-c", "write -P 0x33 0 3M", file.toString());
        byte[] before = Files.readAllBytes(file);
        Fx.run(() -> app.model.library().add(file));
        Fx.await("the image is read", () -> app.model.library().find(file).orElseThrow().state() == ImageState.READY);

        robot.clickOn("#attach-button");
        @SuppressWarnings("unchecked")
        ComboBox<ImageItem> images = robot.lookup("#attach-image").queryAs(ComboBox.class);
        Fx.run(() -> images.setValue(app.model.library().find(file).orElseThrow()));
        Fx.await("the image is read", () -> robot.lookup("#attach-preview").queryLabeled().getText().contains("sectors"));
        @SuppressWarnings("unchecked")
        ComboBox<AttachModel.SnapshotChoice> snapshots = robot.lookup("#attach-snapshot").queryAs(ComboBox.class);
        assertEquals(List.of("Current state", "Snapshot 1: before", "Snapshot 2: after"),
                Fx.get(() -> snapshots.getItems().stream().map(AttachModel.SnapshotChoice::label).toList()));
        assertEquals("Current state", Fx.get(() -> snapshots.getValue().label()), "the current state is the default");
        robot.clickOn("#attach-snapshot");
        robot.clickOn("Snapshot 1: before");
        assertTrue(Fx.get(() -> robot.lookup("#attach-read-only").queryAs(RadioButton.class).isSelected()),
                "a snapshot is attached read-only");
        assertTrue(Fx.get(() -> robot.lookup("#attach-read-write").queryAs(RadioButton.class).isDisabled()));
        assertTrue(Fx.get(() -> robot.lookup("#attach-temporary").queryAs(RadioButton.class).isDisabled()));
        Headless.snapshot(snapshots.getScene(), "attach-dialog-snapshot");
        robot.clickOn("Attach");

        Fx.await("the devices table shows the snapshot", () -> app.deviceRows().stream().anyMatch(d -> "before".equals(d.snapshot())));
        DeviceInfo device = app.deviceRows().get(0);
        assertEquals("ro", device.mode());
        Fx.await("the table says which snapshot", () -> robot.lookup("#devices-table .table-cell")
                .match(LabeledMatchers.hasText(file + " — snapshot before")).tryQuery().isPresent());
        Headless.snapshot(app.window.scene(), "devices-snapshot");
        String uri = app.nbdUri(device.unit());
        Peers.ok("qemu-io", "-f", "raw", "-r", "-c", "read -P 0x11 0 1M", "-c", "read -P 0 1M 2M", uri);
        Peers.Result write = Peers.run("qemu-io", "-f", "raw", "-c", "write -P 3 0 64k", uri);
        assertTrue(write.exitCode() != 0 || (write.stdout() + write.stderr()).contains("failed"),
                "a write to the snapshot was accepted: " + write.stdout());
        assertArrayEquals(before, Files.readAllBytes(file), "attaching a snapshot changed the image");

        // the inspection panes show the image as it is now, never the snapshot device as if it were the image
        Fx.run(() -> app.model.library().selectedProperty().set(null));
        Fx.run(() -> app.model.library().selectedProperty().set(app.model.library().find(file).orElseThrow()));
        Fx.await("the image is inspected", () -> app.model.inspection().shownProperty().get() != null);
        assertFalse(Fx.get(() -> app.model.inspection().shownProperty().get().live()), "the snapshot shown as the image");
    }

}
