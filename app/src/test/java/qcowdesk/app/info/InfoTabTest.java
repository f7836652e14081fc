package qcowdesk.app.info;

import javafx.scene.control.Label;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.app.image.Fact;
import qcowdesk.app.library.ImageState;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.testkit.Peers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Info tab: the image's facts, the open file's stat while attached, Check and Repair. */
class InfoTabTest extends AppUiTest {

    private void select(Path image) {
        Fx.run(() -> app.model.library().add(image));
        Fx.await("the image is read", () -> app.model.library().find(image).orElseThrow().state() == ImageState.READY);
    }

    private String fact(String category, String name) {
        return Fx.get(() -> app.model.info().facts().stream()
                .filter(fact -> fact.category().equals(category) && fact.name().equals(name))
                .map(Fact::value).findFirst().orElse(null));
    }

    @Test
    void showsWhatTheImageIsAndTheStatOfTheOpenFileWhileAttached() throws Exception {
        Path image = dir.resolve("info.qcow2");
        Peers.ok("qemu-img", "create", "-f", "qcow2", "-o", "cluster_size=4096", image.toString(), "100M");
        select(image);
        assertEquals((100L << 20) + " (100 MiB)", fact("Image", "virtual-size"));
        assertEquals("4096 (4.0 KiB)", fact("Image", "cluster-size"));
        assertEquals("1.1", fact("Format", "compat"));
        assertEquals("16", fact("Format", "refcount-bits"));

        Fx.run(() -> app.model.devices().attach(new AttachRequest(image.toString(), false, 9, null),
                device -> { }, failure -> { }));
        // the facts are read again when the owner reports the device (sizes follow it), so each is awaited
        String inode = Files.getAttribute(image, "unix:ino").toString();
        Fx.await("the inode of the open file is shown", () -> inode.equals(fact("Open file (qcow0)", "inode")));
        String size = Long.toString(Files.size(image));
        Fx.await("the size of the open file is shown", () -> size.equals(fact("Open file (qcow0)", "size")));
        String permissions = PosixFilePermissions.toString(Files.getPosixFilePermissions(image));
        Fx.await("the mode of the open file is shown", () -> {
            String mode = fact("Open file (qcow0)", "mode");
            return mode != null && mode.endsWith("(-" + permissions + ")");
        });
    }

    @Test
    void thePropertySheetIsMadeWithTheFirstFacts(FxRobot robot) throws Exception {
        // a fresh library: nothing selected, no facts, no sheet (it was the largest part of the window's first CSS pass)
        assertTrue(robot.lookup("#info-sheet").tryQuery().isEmpty());
        Path image = dir.resolve("first.qcow2");
        Peers.ok("qemu-img", "create", "-f", "qcow2", image.toString(), "10M");
        select(image);
        Fx.await("the sheet shows the facts", () -> robot.lookup("#info-sheet .label").queryAll().stream()
                .anyMatch(node -> node instanceof Label label && "virtual-size".equals(label.getText())));
    }

    @Test
    void checkReportsACleanImage(FxRobot robot) throws Exception {
        Path image = dir.resolve("clean.qcow2");
        Peers.ok("qemu-img", "create", "-f", "qcow2", image.toString(), "10M");
        Peers.ok("qemu-io", "-c", "write -P 1 0 1M", image.toString());
        select(image);
        robot.clickOn("#check-button");
        Fx.await("the check is done", () -> !app.model.info().checkingProperty().get()
                && app.model.info().checkOutcomeProperty().get() != null);
        assertEquals("No errors were found on the image.", Fx.get(() -> robot.lookup("#check-status").queryLabeled().getText()));
        assertFalse(Fx.get(() -> robot.lookup("#repair-button").query().isVisible()));
    }

    @Test
    void checkFindsLeakedClustersAndRepairFreesThem(FxRobot robot) throws Exception {
        Path image = dir.resolve("leaky.qcow2");
        Peers.ok("qemu-img", "create", "-f", "qcow2", image.toString(), "10M");
        Peers.ok("qemu-io", "-c", "write -P 1 0 64k", image.toString());
        leakFirstDataCluster(image);
        assertTrue(Peers.run("qemu-img", "check", image.toString()).stdout().contains("1 leaked clusters"));

        select(image);
        robot.clickOn("#check-button");
        Fx.await("the leak is reported", () -> robot.lookup("#check-status").queryLabeled().getText().equals("1 leaked cluster found."));
        assertTrue(Fx.get(() -> robot.lookup("#repair-button").query().isVisible()));
        robot.clickOn("#repair-button");
        Fx.await("the repair is reported", () -> robot.lookup("#check-status").queryLabeled().getText()
                .equals("Repaired 1 leaked cluster; no errors remain."));
        Peers.ok("qemu-img", "check", image.toString());
    }

    /** Clears guest cluster 0's L2 entry: its data cluster keeps refcount 1 with nothing pointing to it. */
    private static void leakFirstDataCluster(Path image) throws IOException {
        try (FileChannel file = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long l1Offset = readLong(file, 40);
            long l2Offset = readLong(file, l1Offset) & 0x00fffffffffffe00L;
            file.write(ByteBuffer.allocate(8), l2Offset);
        }
    }

    private static long readLong(FileChannel file, long offset) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8);
        file.read(buffer, offset);
        return buffer.flip().getLong();
    }
}
