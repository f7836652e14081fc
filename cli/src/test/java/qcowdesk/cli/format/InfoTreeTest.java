package qcowdesk.cli.format;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.CliRun;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code qcowctl info} prints its text and JSON from {@link InfoTree}, not from the record's Jackson annotations:
 * the tree must name the same members in the same order for every kind of image (snapshots, bitmaps, backing file,
 * data file, version 2, extended L2, zstd, raw), so that the JSON stays byte for byte what it was, and the text must
 * stay qemu-img's word for word.
 */
class InfoTreeTest {

    @TempDir
    static Path dir;
    static final List<Path> IMAGES = new ArrayList<>();

    @BeforeAll
    static void images() throws Exception {
        Path snapshots = dir.resolve("snapshots.qcow2");
        Qemu.create(snapshots, "", 8 << 20);
        Qemu.io(snapshots, "write -P 1 0 64k");
        Qemu.img("snapshot", "-c", "first", snapshots.toString());
        Qemu.img("snapshot", "-c", "second one", snapshots.toString());
        Path bitmaps = dir.resolve("bitmaps.qcow2");
        Qemu.create(bitmaps, "", 8 << 20);
        Qemu.img("bitmap", "--add", bitmaps.toString(), "enabled");
        Qemu.img("bitmap", "--add", "--disable", "-g", "1M", bitmaps.toString(), "disabled");
        Path base = dir.resolve("base.qcow2");
        Qemu.create(base, "compat=0.10,cluster_size=4k", 8 << 20);
        Path overlay = dir.resolve("overlay.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", overlay.toString());
        Path unnamedFormat = dir.resolve("raw-backed.qcow2");
        Files.write(dir.resolve("backing.raw"), new byte[65536]);
        Qemu.img("create", "-q", "-f", "qcow2", "-b", "backing.raw", "-F", "raw", unnamedFormat.toString());
        Path dataFile = dir.resolve("data-file.qcow2");
        Qemu.create(dataFile, "data_file=" + dir.resolve("data.raw") + ",data_file_raw=on", 8 << 20);
        Path extended = dir.resolve("extended.qcow2");
        Qemu.create(extended, "extended_l2=on,lazy_refcounts=on,refcount_bits=1,compression_type=zstd", 8 << 20);
        Path raw = dir.resolve("disk.img");
        Files.write(raw, new byte[3 * 1024 * 1024 + 512]);
        IMAGES.addAll(List.of(snapshots, bitmaps, base, overlay, unnamedFormat, dataFile, extended, raw));
    }

    @Test
    void theTreeIsTheRecordsJacksonSerialisation() throws Exception {
        for (Path image : IMAGES) {
            ImageInfo info = image.toString().endsWith(".img") ? ImageInfo.ofRaw(image) : ImageInfo.of(image);
            assertEquals(QemuJson.pretty(info), QemuJsonWriter.pretty(InfoTree.of(info)), image.toString());
        }
    }

    @Test
    void infoPrintsWhatQemuImgPrints() throws Exception {
        for (Path image : IMAGES) {
            // the same JSON (qemu-img orders the snapshot list's members by its hash table; ours keep one order)
            String qemuJson = Peers.ok("qemu-img", "info", "--output=json", image.toString()).stdout();
            assertEquals(QemuJson.mapper().readTree(qemuJson),
                    QemuJson.mapper().readTree(CliRun.of("info", "--json", image.toString()).out()), image.toString());
            String qemuText = Peers.ok("qemu-img", "info", image.toString()).stdout();
            String ours = CliRun.of("info", image.toString()).out();
            // qemu-img's text word for word; then, for images that name other files, the files they open
            assertEquals(qemuText, ours.substring(0, Math.min(ours.length(), qemuText.length())), image.toString());
        }
    }

    @Test
    void textFromQemuImgsOwnJsonIsQemuImgsText() throws Exception {
        for (Path image : IMAGES) {
            Map<String, Object> qemu = QemuJson.mapper().readValue(
                    Peers.ok("qemu-img", "info", "--output=json", image.toString()).stdout(),
                    new TypeReference<LinkedHashMap<String, Object>>() { });
            assertEquals(Peers.ok("qemu-img", "info", image.toString()).stdout(), new InfoText().render(qemu),
                    image.toString());
        }
    }
}
