package qcowdesk.app.lifecycle;

import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.app.inspect.Headless;
import qcowdesk.testkit.Peers;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The snapshots section of the "Space & operations" tab, driven through its buttons and dialogs: create, revert
 * (cancelled once: nothing changes), delete; qemu-img lists, checks and compares the image after each.
 */
class SnapshotsPaneTest extends AppUiTest {

    @Test
    void createRevertAndDeleteWithConfirmations(FxRobot robot) throws Exception {
        Path image = dir.resolve("disk.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "32M");
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 1 0 2M", "-c", "write -P 3 20M 64k", image.toString());
        Path then = Files.copy(image, dir.resolve("then.qcow2"));
        SpaceTab.select(app, image);

        robot.clickOn("#" + SnapshotsPane.CREATE_ID);
        Fx.await("the name dialog", () -> robot.lookup("#" + SnapshotsPane.NAME_DIALOG_ID).tryQuery().isPresent());
        robot.clickOn("#" + SnapshotsPane.NAME_DIALOG_ID + " .text-field").write("before update");
        robot.clickOn(dialogButton(robot, "OK"));
        Fx.await("created", () -> status().startsWith("Created snapshot 'before update'"));
        Fx.await("the list shows it", () -> rows() == 1);
        assertTrue(Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout().contains("before update"));
        clean(image);

        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 9 0 4M", image.toString());
        Path now = Files.copy(image, dir.resolve("now.qcow2"));
        Fx.run(() -> table().getSelectionModel().select(0));
        robot.clickOn("#" + SnapshotsPane.REVERT_ID);
        Fx.await("the revert question", () -> robot.lookup("#" + SnapshotsPane.REVERT_DIALOG_ID).tryQuery()
                .isPresent());
        String question = Fx.get(() -> robot.lookup("#" + SnapshotsPane.REVERT_DIALOG_ID).queryAs(DialogPane.class)
                .getContentText());
        assertTrue(question.contains("current state is discarded"), question);
        Headless.snapshot(app.window.scene(), "snapshots");
        robot.clickOn(dialogButton(robot, "Cancel"));
        Fx.await("the question is gone", () -> robot.lookup("#" + SnapshotsPane.REVERT_DIALOG_ID).tryQuery()
                .isEmpty());
        assertArrayEquals(Files.readAllBytes(now), Files.readAllBytes(image), "cancelled revert changed the image");

        robot.clickOn("#" + SnapshotsPane.REVERT_ID);
        Fx.await("the revert question", () -> robot.lookup("#" + SnapshotsPane.REVERT_DIALOG_ID).tryQuery()
                .isPresent());
        robot.clickOn(dialogButton(robot, "Revert"));
        Fx.await("reverted", () -> status().startsWith("Reverted to snapshot 'before update'"));
        Peers.ok("qemu-img", "compare", "-q", then.toString(), image.toString());
        clean(image);

        Fx.run(() -> table().getSelectionModel().select(0));
        robot.clickOn("#" + SnapshotsPane.DELETE_ID);
        Fx.await("the delete question", () -> robot.lookup("#" + SnapshotsPane.DELETE_DIALOG_ID).tryQuery()
                .isPresent());
        robot.clickOn(dialogButton(robot, "Delete"));
        Fx.await("deleted", () -> status().startsWith("Deleted snapshot 'before update'"));
        Fx.await("the list is empty", () -> rows() == 0);
        assertEquals("", Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout());
        Peers.ok("qemu-img", "compare", "-q", then.toString(), image.toString());
        clean(image);
    }

    @SuppressWarnings("unchecked")
    private TableView<Object> table() {
        return (TableView<Object>) app.window.scene().lookup("#" + SnapshotsPane.TABLE_ID);
    }

    private int rows() {
        return Fx.get(() -> table().getItems().size());
    }

    @Test
    void anAttachedImageIsNotChangedUnderItsDevice() throws Exception {
        Path image = dir.resolve("attached.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "32M");
        SpaceTab.select(app, image);
        attachAsQcow0(image, true);
        byte[] before = Files.readAllBytes(image);
        Fx.run(() -> app.model.lifecycle().createSnapshot("while attached"));
        Fx.await("refused", () -> status().contains("attached as qcow0") && status().contains("detach it first"));
        assertArrayEquals(before, Files.readAllBytes(image), "a read-only attachment is not changed under its device");
    }

    @Test
    void aSnapshotOfAnImageAttachedReadWriteGoesThroughTheOwner() throws Exception {
        Path image = dir.resolve("live.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "32M");
        SpaceTab.select(app, image);
        String uri = attachAsQcow0(image, false);
        Peers.ok("qemu-io", "-f", "raw", "-c", "write -P 0x44 0 1M", uri);
        Fx.run(() -> app.model.lifecycle().createSnapshot("live"));
        Fx.await("created through the owner", () -> status().startsWith("Created snapshot 'live' of qcow0"));
        Peers.ok("qemu-io", "-f", "raw", "-c", "write -P 0x55 0 1M", uri);
        app.model.devices().service().detach("qcow0", false);
        assertTrue(Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout().contains("live"));
        clean(image);
        Path then = dir.resolve("then.raw");
        Peers.ok("qemu-img", "convert", "-l", "snapshot.name=live", "-O", "raw", image.toString(), then.toString());
        Peers.ok("qemu-io", "-f", "raw", "-c", "read -P 0x44 0 1M", then.toString());
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "read -P 0x55 0 1M", image.toString());
    }

    /** Attaches {@code image} as qcow0 through the app's owner, as qcowctl would; returns its NBD URI. */
    private String attachAsQcow0(Path image, boolean readOnly) throws Exception {
        String uri;
        try (qcowdesk.bridge.control.ControlClient client =
                     qcowdesk.bridge.control.ControlClient.connect(app.directories.runtime())) {
            uri = client.attach(image.toString(), readOnly, 9, "qcow0").uri();
        }
        Fx.await("the library knows it is attached",
                () -> "qcow0".equals(app.model.library().find(image).orElseThrow().attachedAs()));
        return uri;
    }

    private String status() {
        return Fx.get(() -> app.model.lifecycle().statusProperty().get());
    }

    private static Button dialogButton(FxRobot robot, String text) {
        return robot.lookup(".dialog-pane .button").match((Button b) -> b.getText().equals(text)).queryButton();
    }

    private static void clean(Path image) {
        assertTrue(Peers.ok("qemu-img", "check", image.toString()).stdout().contains("No errors were found"));
    }
}
