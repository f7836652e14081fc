package qcowdesk.app.contents;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.control.TabPane;
import javafx.scene.control.TreeItem;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.app.map.MapGeometry;
import qcowdesk.engine.contents.DiskContents;
import qcowdesk.engine.contents.Volume;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.contents.space.FileClusters;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Contents tab of the real window on a qcow2 disk with an ext4 partition made by mke2fs: browse into a
 * directory, preview and extract a file (byte-identical), show a file's clusters on the allocation map, and the
 * space view.
 */
class ContentsTabTest extends AppUiTest {

    private static final long MIB = 1 << 20;

    @Override
    protected Path appDirectory() {
        return dir.resolve("app");
    }

    private Path image() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree/docs"));
        Files.writeString(tree.resolve("readme.txt"), "Inside the disk, read without mounting it.\n");
        byte[] big = new byte[(int) (6 * MIB)];
        new Random(8).nextBytes(big);
        Files.write(dir.resolve("tree/big.bin"), big);
        Files.createDirectories(dir.resolve("tree/var/log"));
        Files.writeString(dir.resolve("tree/var/log/syslog"), "boot\n".repeat(2000));
        Path fs = sparse(dir.resolve("fs"), 48 * MIB);
        Peers.ok("mke2fs", "-q", "-F", "-t", "ext4", "-L", "rootfs", "-d", dir.resolve("tree").toString(),
                fs.toString());
        Path raw = sparse(dir.resolve("raw"), 64 * MIB);
        Peers.require("sfdisk");
        Peers.ok("bash", "-euc", "sfdisk -q --no-reread --no-tell-kernel " + raw + " <<'END'\nlabel: gpt\n"
                + "start=2048, size=8M, type=U\nsize=48M, type=L, name=root\nEND\n"
                + "dd if=" + fs + " of=" + raw + " bs=64K seek=" + 9 * MIB
                + " oflag=seek_bytes conv=sparse,notrunc status=none");
        Path image = dir.resolve("vm-disk.qcow2");
        Peers.ok("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), image.toString());
        return image;
    }

    private static Path sparse(Path p, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    @Test
    void browseExtractShowOnMapAndSpace(FxRobot robot) throws Exception {
        Path image = image();
        Fx.run(() -> app.model.library().add(image));
        Fx.await("the image is in the library", () -> app.model.library().find(image).isPresent());
        Fx.run(() -> app.model.library().selectedProperty().set(app.model.library().find(image).orElseThrow()));
        ContentsPane pane = Fx.get(app.window::contentsPane);
        selectContentsTab(robot);
        Fx.await("the root of partition 2 is listed", () -> pane.tree().getRoot() != null
                && ((FileTreeItem) pane.tree().getRoot()).loaded());
        assertEquals(2, Fx.get(() -> pane.model().volumes().size()));

        TreeItem<FileNode> docs = Fx.get(() -> child(pane.tree().getRoot(), "docs"));
        Fx.run(() -> docs.setExpanded(true));
        Fx.await("docs is listed", () -> ((FileTreeItem) docs).loaded());
        TreeItem<FileNode> readme = Fx.get(() -> child(docs, "readme.txt"));
        Fx.run(() -> pane.tree().getSelectionModel().select(readme));
        Fx.await("the preview shows the text", () -> pane.model().previewProperty().get()
                .equals("Inside the disk, read without mounting it.\n"));

        Path dest = Files.createDirectories(dir.resolve("extracted"));
        Fx.run(() -> pane.setDestinationChooser((window, node) -> dest));
        robot.clickOn("#contents-extract");
        Fx.await("the file is extracted", () -> Files.exists(dest.resolve("readme.txt"))
                && Files.size(dest.resolve("readme.txt")) == 43);
        assertArrayEquals(Files.readAllBytes(dir.resolve("tree/docs/readme.txt")),
                Files.readAllBytes(dest.resolve("readme.txt")));

        Fx.await("the map is scanned", () -> app.window.mapPane().guestMap() != null);
        TreeItem<FileNode> big = Fx.get(() -> child(pane.tree().getRoot(), "big.bin"));
        Fx.run(() -> pane.tree().getSelectionModel().select(big));
        robot.clickOn("#contents-show-on-map");
        BitSet expected = expectedCells(image, "/big.bin");
        Fx.await("the file's cells are outlined", () -> app.window.mapPane().highlightedCells().equals(expected));
        assertEquals(0, Fx.get(() -> robot.lookup("#image-tabs").queryAs(TabPane.class).getSelectionModel()
                .getSelectedIndex()) - 1, "the map tab is brought forward");
        assertTrue(expected.cardinality() >= 6 * MIB / 65536, expected.toString());
        save(app.window.scene(), "contents-map.png");

        selectContentsTab(robot);
        Fx.run(() -> pane.model().computeSpace("/"));
        Fx.await("the space report is shown", () -> pane.model().spaceProperty().get() != null);
        assertEquals("/big.bin", Fx.get(() -> pane.model().spaceProperty().get().entries().get(1).path()));
        long firstByte = firstRange(image, "/big.bin")[0];
        assertEquals("holds: /big.bin at offset 0", pane.holders(firstByte, firstByte + 1));
        Fx.run(() -> pane.tree().getSelectionModel().select(readme));
        Fx.await("the preview shows the text again", () -> !pane.model().previewProperty().get().isEmpty());
        save(app.window.scene(), "contents-tab.png");
    }

    private static void selectContentsTab(FxRobot robot) {
        Fx.run(() -> {
            TabPane tabs = robot.lookup("#image-tabs").queryAs(TabPane.class);
            tabs.getSelectionModel().select(tabs.getTabs().stream().filter(t -> t.getText().equals("Contents"))
                    .findFirst().orElseThrow());
        });
    }

    private static TreeItem<FileNode> child(TreeItem<FileNode> parent, String name) {
        return parent.getChildren().stream().filter(c -> c.getValue().name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not under " + parent.getValue().path()));
    }

    private static long[] firstRange(Path image, String path) throws IOException {
        try (Qcow2Image disk = Qcow2Image.open(image, OpenOptions.readOnly())) {
            Volume v = DiskContents.read(disk, 512).volume(2);
            FileSystemReader fs = v.open();
            return FileClusters.guestRanges(v, fs, fs.lookup(path)).get(0);
        }
    }

    private BitSet expectedCells(Path image, String path) throws IOException {
        BitSet cells = new BitSet();
        try (Qcow2Image disk = Qcow2Image.open(image, OpenOptions.readOnly())) {
            Volume v = DiskContents.read(disk, 512).volume(2);
            FileSystemReader fs = v.open();
            MapGeometry g = Fx.get(() -> app.window.mapPane().guestMap().geometry());
            for (long[] r : FileClusters.guestRanges(v, fs, fs.lookup(path))) {
                cells.set(g.cellOf(r[0]), g.cellOf(r[1] - 1) + 1);
            }
        }
        return cells;
    }

    private static void save(javafx.scene.Scene scene, String name) throws IOException {
        Path output = Files.createDirectories(Path.of(System.getProperty("qcowdesk.screenshots",
                "target/screenshots")));
        var image = Fx.get(() -> scene.snapshot(null));
        ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", output.resolve(name).toFile());
    }
}
