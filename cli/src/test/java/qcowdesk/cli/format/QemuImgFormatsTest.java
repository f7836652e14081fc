package qcowdesk.cli.format;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.MapEntry;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Our renderings of info and map data, checked line for line against what qemu-img prints for the same image. */
class QemuImgFormatsTest {

    @TempDir
    static Path dir;
    static Path base;
    static Path overlay;

    @BeforeAll
    static void images() {
        base = dir.resolve("base.qcow2");
        overlay = dir.resolve("overlay.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "cluster_size=4096", base.toString(), "64M");
        Peers.ok("qemu-io", "-c", "write -P 1 0 12k", "-c", "write -P 2 20k 4k", "-c", "write -z 1M 64k",
                "-c", "write -P 3 8M 1M", "-c", "discard 8M 4k", base.toString());
        Peers.ok("qemu-img", "snapshot", "-c", "first", base.toString());
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2", overlay.toString());
        Peers.ok("qemu-io", "-c", "write -P 9 4k 8k", overlay.toString());
    }

    @Test
    void infoTextEqualsQemuImgInfo() throws Exception {
        for (Path image : List.of(base, overlay)) {
            Map<String, Object> json = QemuJson.mapper().readValue(
                    Peers.ok("qemu-img", "info", "--output=json", image.toString()).stdout(),
                    new TypeReference<LinkedHashMap<String, Object>>() { });
            String expected = Peers.ok("qemu-img", "info", image.toString()).stdout();
            assertEquals(expected, new InfoText(ZoneId.systemDefault()).render(json), image.toString());
        }
    }

    @Test
    void prettyJsonHasQemuLayout() throws Exception {
        String expected = Peers.ok("qemu-img", "info", "--output=json", overlay.toString()).stdout();
        assertEquals(expected, QemuJson.pretty(QemuJson.mapper().readTree(expected)) + "\n");
        assertEquals(expected, QemuJsonWriter.pretty(QemuJson.mapper().readValue(expected,
                new TypeReference<LinkedHashMap<String, Object>>() { })) + "\n");
    }

    @Test
    void humanSizesMatchQemu() {
        assertEquals("0 B", HumanSize.format(0));
        assertEquals("999 B", HumanSize.format(999));
        assertEquals("0.977 KiB", HumanSize.format(1000));
        assertEquals("1 KiB", HumanSize.format(1024));
        assertEquals("1.5 MiB", HumanSize.format(3 << 19));
        assertEquals("64 GiB", HumanSize.format(64L << 30));
        assertEquals("328 KiB", HumanSize.format(335872));
    }

    @Test
    void mapJsonEqualsQemuImgMapEvenFromClusterSizedPieces() throws Exception {
        for (Path image : List.of(base, overlay)) {
            String expected = Peers.ok("qemu-img", "map", "--output=json", image.toString()).stdout();
            List<MapEntry> pieces = splitIntoClusters(parseMap(expected), 4096);
            assertEquals(expected, new MapOutput(depth -> "unused").json(pieces), image.toString());
        }
    }

    @Test
    void mapTableEqualsQemuImgMap() throws Exception {
        for (Path image : List.of(base, overlay)) {
            String expected = Peers.ok("qemu-img", "map", image.toString()).stdout();
            List<MapEntry> pieces = splitIntoClusters(parseMap(Peers.ok("qemu-img", "map", "--output=json",
                    image.toString()).stdout()), 4096);
            MapOutput output = new MapOutput(depth -> depth == 0 ? image.toString() : base.toString());
            assertEquals(expected, output.human(pieces), image.toString());
        }
    }

    @Test
    void mapTableRefusesCompressedDataLikeQemuImg() {
        List<MapEntry> compressed = List.of(new MapEntry(0, 65536, 0, true, false, true, true, MapEntry.NO_OFFSET));
        var failure = assertThrows(qcowdesk.cli.support.CliFailure.class, () -> new MapOutput(d -> "x").human(compressed));
        assertEquals("File contains external, encrypted or compressed clusters.", failure.getMessage());
    }

    @Test
    void checkTextEqualsQemuImgCheck() throws Exception {
        Path leaky = dir.resolve("leaky.qcow2");
        Path corrupt = dir.resolve("corrupt.qcow2");
        for (Path image : List.of(leaky, corrupt)) {
            Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "64M");
            Peers.ok("qemu-io", "-c", "write -P 1 0 128k", image.toString());
        }
        // qemu-img create's layout: header, refcount table, refcount block (16-bit entries) at 0x20000, L1, L2, data
        try (var file = java.nio.channels.FileChannel.open(leaky, java.nio.file.StandardOpenOption.WRITE)) {
            file.write(java.nio.ByteBuffer.wrap(new byte[1]), 9 * 65536L - 1); // two more clusters at the end
            file.write(java.nio.ByteBuffer.wrap(new byte[] {0, 1, 0, 1}), 0x20000 + 2 * 7);
        }
        try (var file = java.nio.channels.FileChannel.open(corrupt, java.nio.file.StandardOpenOption.WRITE)) {
            file.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0}), 0x20000 + 2 * 4);
        }
        for (Path image : List.of(base, leaky, corrupt)) {
            JsonNode json = QemuJson.mapper().readTree(Peers.run("qemu-img", "check", "--output=json",
                    image.toString()).stdout());
            String expected = Peers.run("qemu-img", "check", image.toString()).stdout();
            assertEquals(expected, CheckText.summary(json), image.toString());
        }
        assertEquals(3, Peers.run("qemu-img", "check", leaky.toString()).exitCode(), "the leak is seen");
        assertEquals(2, Peers.run("qemu-img", "check", corrupt.toString()).exitCode(), "the corruption is seen");
    }

    static List<MapEntry> parseMap(String json) throws Exception {
        List<MapEntry> entries = new ArrayList<>();
        for (JsonNode e : QemuJson.mapper().readTree(json)) {
            boolean data = e.get("data").asBoolean();
            long offset = e.has("offset") ? e.get("offset").asLong() : MapEntry.NO_OFFSET;
            entries.add(new MapEntry(e.get("start").asLong(), e.get("length").asLong(), e.get("depth").asInt(),
                    e.get("present").asBoolean(), e.get("zero").asBoolean(), data,
                    data && offset == MapEntry.NO_OFFSET, offset));
        }
        return entries;
    }

    /** The same map at cluster granularity, as an engine without merging would report it. */
    static List<MapEntry> splitIntoClusters(List<MapEntry> entries, long cluster) {
        List<MapEntry> pieces = new ArrayList<>();
        for (MapEntry e : entries) {
            for (long at = 0; at < e.length(); at += cluster) {
                long length = Math.min(cluster, e.length() - at);
                long host = e.hostOffset() == MapEntry.NO_OFFSET ? MapEntry.NO_OFFSET : e.hostOffset() + at;
                pieces.add(new MapEntry(e.start() + at, length, e.depth(), e.present(), e.zero(), e.data(),
                        e.compressed(), host));
            }
        }
        return pieces;
    }
}
