package qcowdesk.bridge.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import qcowdesk.testkit.Peers;

/** The server against the real NBD clients, over real QCOW2 images. */
class NbdInteropTest extends Qcow2ServerFixture {

    @Test
    void nbdinfoDescribesEachExport() throws Exception {
        String rw = attach(createImage("a.qcow2", "64M"), false, 0);
        String ro = attach(createImage("b.qcow2", "10M", "-o", "cluster_size=4096"), true, 0);
        String big = attach(createImage("c.qcow2", "8M", "-o", "cluster_size=1M"), false, 12);

        JsonNode a = json(Peers.run("nbdinfo", "--json", uri(rw))).get("exports").get(0);
        assertEquals(64L << 20, a.get("export-size").asLong());
        assertFalse(a.get("is_read_only").asBoolean());
        assertTrue(a.get("can_trim").asBoolean() && a.get("can_zero").asBoolean() && a.get("can_multi_conn").asBoolean());
        assertEquals(512, a.get("block_size_minimum").asInt());
        assertEquals(65536, a.get("block_size_preferred").asInt());
        assertEquals(16 << 20, a.get("block_size_maximum").asInt());
        assertEquals(dir.resolve("a.qcow2").toString(), a.get("description").asText());

        JsonNode b = json(Peers.run("nbdinfo", "--json", uri(ro))).get("exports").get(0);
        assertTrue(b.get("is_read_only").asBoolean());
        assertFalse(b.get("can_trim").asBoolean());
        assertEquals(4096, b.get("block_size_preferred").asInt(), "at least 4096 even with 4 KiB clusters");

        JsonNode c = json(Peers.run("nbdinfo", "--json", uri(big))).get("exports").get(0);
        assertEquals(4096, c.get("block_size_minimum").asInt());
        assertEquals(1 << 20, c.get("block_size_preferred").asInt());

        JsonNode list = json(Peers.run("nbdinfo", "--list", "--json", uri(rw))).get("exports");
        List<String> names = new ArrayList<>();
        list.forEach(export -> names.add(export.get("export-name").asText()));
        assertEquals(List.of(rw, ro, big), names);
    }

    @Test
    void mapsMatchTheEngineAndQemuNbd() throws Exception {
        Path base = createImage("base.qcow2", "4M");
        qemuIo(base, "qcow2", "write -P 1 0 128k", "write -P 2 1M 64k", "write -P 4 3M 64k");
        Path top = createImage("top.qcow2", "4M", "-b", base.toString(), "-F", "qcow2");
        qemuIo(top, "qcow2", "write -P 3 64k 128k", "write -z 2M 64k", "write -z 1M 64k", "write -P 5 3M 4k");
        // qemu-nbd serves a copy: it exits after its client leaves, but not always before we go on, and its lock
        // would keep us from attaching the image.
        Path twin = dir.resolve("twin.qcow2");
        Files.copy(top, twin);
        String unit = attach(top, false, 0);
        String qemuAllocation = Peers.ok("nbdinfo", "--map", "--", "[", "qemu-nbd", "-r", "-f", "qcow2",
                twin.toString(), "]").stdout();
        String qemuDepth = Peers.ok("nbdinfo", "--map=qemu:allocation-depth", "--", "[", "qemu-nbd", "-r", "-A",
                "-f", "qcow2", twin.toString(), "]").stdout();

        String qemuImgMap = qemuImgMapOverQemuNbd(twin, "");
        String qemuImgDepth = qemuImgMapOverQemuNbd(twin, "qemu:allocation-depth");

        assertEquals(qemuImgMap, qemuImgMap(unit, ""));
        assertEquals(qemuImgDepth, qemuImgMap(unit, "qemu:allocation-depth"));
        assertEquals(qemuAllocation, Peers.ok("nbdinfo", "--map", uri(unit)).stdout());
        assertEquals(qemuDepth, Peers.ok("nbdinfo", "--map=qemu:allocation-depth", uri(unit)).stdout());
        assertTrue(qemuDepth.contains("backing depth 2") && qemuDepth.contains("local") && qemuDepth.contains("absent"),
                qemuDepth);
        assertEquals(expectedMap(unit), Peers.ok("nbdinfo", "--map", uri(unit)).stdout().lines().map(String::trim)
                .map(line -> line.replaceAll("\\s+", " ")).toList());
    }

    /** qemu-img map through QEMU's NBD client, optionally reading another metadata context as its map. */
    private String qemuImgMap(String unit, String context) {
        return qemuImgMap(server.unixSocket().orElseThrow(), unit, context);
    }

    private static String qemuImgMap(Path socket, String export, String context) {
        String options = "driver=nbd,server.type=unix,server.path=" + socket + ",export=" + export
                + (context.isEmpty() ? "" : ",x-dirty-bitmap=" + context);
        return Peers.ok("qemu-img", "map", "--output=json", "--image-opts", options).stdout();
    }

    /** The same through qemu-nbd, which serves one client and exits. */
    private String qemuImgMapOverQemuNbd(Path image, String context) {
        Path socket = dir.resolve("qemu-nbd-" + context.length() + ".sock");
        Peers.ok("qemu-nbd", "--fork", "-r", "-A", "-f", "qcow2", "-k", socket.toString(), image.toString());
        return qemuImgMap(socket, "", context);
    }

    /** The engine's own map, in nbdinfo's words. */
    private List<String> expectedMap(String unit) throws Exception {
        var device = table.find(unit).orElseThrow();
        List<String> lines = new ArrayList<>();
        long start = 0;
        int last = -1;
        long position = 0;
        for (var entry : device.disk().map(0, device.sizeBytes())) {
            int flags = MetaContext.BASE_ALLOCATION.flagsOf(entry);
            if (flags != last && last >= 0) {
                lines.add(line(start, position - start, last));
                start = position;
            }
            last = flags;
            position = entry.end();
        }
        lines.add(line(start, position - start, last));
        return lines;
    }

    private static String line(long start, long length, int flags) {
        String description = flags == 0 ? "data" : flags == 3 ? "hole,zero" : flags == 2 ? "zero" : "hole";
        return start + " " + length + " " + flags + " " + description;
    }

    @Test
    void nbdcopyOfTheExportEqualsQemuImgConvert() throws Exception {
        Path image = createImage("a.qcow2", "48M", "-o", "cluster_size=16k");
        qemuIo(image, "qcow2", "write -P 0x11 0 1M", "write -P 0x22 5M 300k", "write -z 6M 1M",
                "write -P 0x33 47M 1M");
        Path reference = dir.resolve("reference.raw");
        Peers.ok("qemu-img", "convert", "-f", "qcow2", "-O", "raw", image.toString(), reference.toString());
        String unit = attach(image, true, 0);
        Path copy = dir.resolve("copy.raw");
        Peers.ok("nbdcopy", uri(unit), copy.toString());
        assertArrayEquals(sha256(reference), sha256(copy));
        Peers.Result map = Peers.ok("qemu-img", "map", "--output=json", "-f", "raw", uri(unit));
        JsonNode extents = JSON.readTree(map.stdout());
        assertTrue(extents.size() >= 5, map.stdout());
        assertTrue(extents.get(0).get("data").asBoolean());
        assertEquals(1 << 20, extents.get(0).get("length").asLong());
        assertFalse(extents.get(1).get("data").asBoolean());
        assertTrue(extents.get(1).get("zero").asBoolean());
    }

    @Test
    void qemuIoOverNbdMatchesQemuIoOnACopy() throws Exception {
        Path image = createImage("a.qcow2", "16M");
        qemuIo(image, "qcow2", "write -P 0x5a 0 16M");
        Path copy = dir.resolve("copy.qcow2");
        Files.copy(image, copy);
        String[] script = {
            "write -P 0xab 1000 3000",           // unaligned
            "write -P 0xcd 60k 200k",            // spans cluster boundaries
            "write -z 300k 130k",                // write zeroes, partly whole clusters
            "discard 1M 256k",                   // trim whole clusters
            "write -P 0xef 16773120 4096",       // the last sector(s)
            "write -z 2M 64k",
        };
        String unit = attach(image, false, 0);
        assertNoQemuIoFailure(qemuIoNbd(uri(unit), script).assertOk());
        assertNoQemuIoFailure(qemuIoNbd(uri(unit), "read -P 0xab 1000 3000", "read -P 0xcd 60k 200k",
                "read -P 0 300k 130k", "read -P 0xef 16773120 4096", "read -P 0x5a 4k 56k").assertOk());
        qemuIo(copy, "qcow2", script);
        detachWhenIdle(unit);
        Peers.ok("qemu-img", "check", image.toString());
        Peers.Result compare = Peers.run("qemu-img", "compare", "-f", "qcow2", "-F", "qcow2", image.toString(),
                copy.toString());
        assertEquals(0, compare.exitCode(), compare.toString());
    }

    @Test
    void nbdcopyWithFourConnectionsIntoAFreshImage() throws Exception {
        Path source = dir.resolve("source.raw");
        Peers.ok("qemu-img", "create", "-q", "-f", "raw", source.toString(), "64M");
        qemuIo(source, "raw", "write -P 0x61 0 3M", "write -P 0x62 10M 7M", "write -P 0x63 63M 1M",
                "write -P 0x64 30M 12345");
        Path target = createImage("target.qcow2", "64M");
        String unit = attach(target, false, 0);
        Peers.ok("nbdcopy", "--connections=4", "--requests=16", source.toString(), uri(unit));
        detachWhenIdle(unit);
        Peers.ok("qemu-img", "check", target.toString());
        Peers.Result compare = Peers.run("qemu-img", "compare", "-f", "raw", "-F", "qcow2", source.toString(),
                target.toString());
        assertEquals(0, compare.exitCode(), compare.toString());
        long fileSize = Files.size(target);
        assertTrue(fileSize < 20L << 20, "holes stay holes: " + fileSize);
    }

    @Test
    void qemuImgConvertOverwritesAFilledExport() throws Exception {
        Path source = dir.resolve("source.raw");
        Peers.ok("qemu-img", "create", "-q", "-f", "raw", source.toString(), "32M");
        qemuIo(source, "raw", "write -P 0x61 0 3M", "write -P 0x62 10M 7M", "write -P 0x63 31M 1M");
        Path target = createImage("filled.qcow2", "32M");
        qemuIo(target, "qcow2", "write -P 0x99 0 32M");
        String unit = attach(target, false, 0);
        // qemu-img zeroes the target first (WRITE_ZEROES, FAST_ZERO), then copies the data it finds
        Peers.ok("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", source.toString(), uri(unit));
        detachWhenIdle(unit);
        Peers.ok("qemu-img", "check", target.toString());
        Peers.Result compare = Peers.run("qemu-img", "compare", "-f", "raw", "-F", "qcow2", source.toString(),
                target.toString());
        assertEquals(0, compare.exitCode(), compare.toString());
        JsonNode map = JSON.readTree(Peers.ok("qemu-img", "map", "--output=json", target.toString()).stdout());
        assertTrue(map.get(1).get("zero").asBoolean() && !map.get(1).get("data").asBoolean(),
                "zeroed ranges keep no data: " + map);
    }

    @Test
    void bigSectorDeviceRefusesSmallAlignment() throws Exception {
        String unit = attach(createImage("a.qcow2", "8M"), false, 12);
        try (RawNbdClient client = RawNbdClient.openExport(server.unixSocket().orElseThrow(), unit, true)) {
            TransmissionTest.assertError(client, RawNbdClient.EINVAL, 0, RawNbdClient.CMD_READ, 512, 4096);
            TransmissionTest.assertError(client, RawNbdClient.EINVAL, 0, RawNbdClient.CMD_READ, 4096, 512);
            client.write(1, 512, new byte[512]);
            assertEquals(RawNbdClient.EINVAL, client.readReply(0).errorCode());
            byte[] data = TransmissionTest.random(8192, 12);
            client.write(2, 4096, data);
            assertEquals(0, client.readReply(0).errorCode());
            client.request(4, RawNbdClient.CMD_READ, 3, 4096, 8192);
            var payload = client.readReply(0).payload();
            assertEquals(4096, payload.getLong());
            assertArrayEquals(data, TransmissionTest.bytes(payload));
        }
    }

    /**
     * The one range check of a READ is where the request enters: the device (whole 4096-byte sectors) is 3584 bytes
     * shorter than its image, and the disk below reads the image's tail without checking again, so a READ past the
     * device's end must be refused by the request validator (with its message), on every reply path.
     */
    @Test
    void readPastTheDeviceEndIsRefusedWhereTheRequestEnters() throws Exception {
        Path image = createImage("tail.qcow2", String.valueOf((8 << 20) + 512));
        qemuIo(image, "qcow2", "write -P 0x3c 0 " + ((8 << 20) + 512));
        String unit = attach(image, false, 12);
        long end = 8 << 20;
        String nbdinfo = Peers.ok("nbdinfo", "--size", uri(unit)).stdout().trim();
        assertEquals(String.valueOf(end), nbdinfo, "the device holds whole sectors only");
        Peers.Result lastSector = qemuIoNbd(uri(unit), "read -P 0x3c " + (end - 4096) + " 4096");
        assertEquals(0, lastSector.exitCode(), lastSector.toString());
        assertNoQemuIoFailure(lastSector);
        for (boolean structured : new boolean[] {false, true}) {
            try (RawNbdClient client = RawNbdClient.openExport(server.unixSocket().orElseThrow(), unit, structured)) {
                for (int flags : new int[] {0, 4 /* DF */}) {
                    if (flags != 0 && !structured) {
                        continue;
                    }
                    TransmissionTest.assertError(client, RawNbdClient.EINVAL, flags, RawNbdClient.CMD_READ, end, 4096);
                    TransmissionTest.assertError(client, RawNbdClient.EINVAL, flags, RawNbdClient.CMD_READ,
                            end - 4096, 8192);
                }
                if (structured) {
                    client.request(0, RawNbdClient.CMD_READ, 9, end, 4096);
                    RawNbdClient.Reply reply = client.readReply(0);
                    ByteBuffer payload = reply.payload();
                    byte[] message = new byte[payload.getShort(4)];
                    payload.get(6, message);
                    assertTrue(new String(message, java.nio.charset.StandardCharsets.UTF_8)
                            .contains("beyond the end of the device (" + end + " bytes)"),
                            new String(message, java.nio.charset.StandardCharsets.UTF_8));
                }
                if (structured) {
                    // BLOCK_STATUS and CACHE read the map without a second check too
                    TransmissionTest.assertError(client, RawNbdClient.EINVAL, 0, RawNbdClient.CMD_CACHE, end, 4096);
                }
                client.request(0, RawNbdClient.CMD_READ, 10, end - 4096, 4096);
                List<RawNbdClient.Reply> last = client.readFullReply(structured ? 0 : 4096);
                assertEquals(0, last.get(last.size() - 1).errorCode(), "the last sector is readable");
            }
        }
        try (RawNbdClient client = RawNbdClient.openExport(server.unixSocket().orElseThrow(), unit, true,
                "base:allocation")) {
            TransmissionTest.assertError(client, RawNbdClient.EINVAL, 0, RawNbdClient.CMD_BLOCK_STATUS, end, 4096);
            TransmissionTest.assertError(client, RawNbdClient.EINVAL, 0, RawNbdClient.CMD_BLOCK_STATUS, end - 4096,
                    8192);
            TransmissionTest.assertError(client, 0, 0, RawNbdClient.CMD_BLOCK_STATUS, end - 4096, 4096);
        }
    }

    @Test
    void readOnlyDeviceRejectsWritesAndTheFileStaysIdentical() throws Exception {
        Path image = createImage("a.qcow2", "8M");
        qemuIo(image, "qcow2", "write -P 7 0 1M");
        byte[] before = sha256(image);
        String unit = attach(image, true, 0);
        Peers.Result write = qemuIoNbd(uri(unit), "write -P 9 0 4k");
        assertTrue(write.exitCode() != 0 && write.stderr().contains("Permission denied"), write.toString());
        try (RawNbdClient client = RawNbdClient.openExport(server.unixSocket().orElseThrow(), unit, false)) {
            client.write(1, 0, new byte[4096]);
            assertEquals(RawNbdClient.EPERM, client.readReply(0).error());
            TransmissionTest.assertError(client, RawNbdClient.EPERM, 0, RawNbdClient.CMD_TRIM, 0, 65536);
            TransmissionTest.assertError(client, RawNbdClient.EPERM, 0, RawNbdClient.CMD_WRITE_ZEROES, 0, 65536);
        }
        detachWhenIdle(unit);
        assertArrayEquals(before, sha256(image));
    }

    @Test
    void fioVerifiesRandomReadsAndWrites() throws Exception {
        Path image = createImage("a.qcow2", "64M");
        String unit = attach(image, false, 0);
        Peers.Result fio = Peers.ok("fio", "--name=verify", "--ioengine=nbd", "--uri=" + uri(unit), "--rw=randrw",
                "--bs=4k", "--size=64M", "--io_size=32M", "--iodepth=16", "--verify=crc32c", "--runtime=30",
                "--do_verify=1", "--verify_fatal=1", "--output-format=json", "--verify_state_save=0");
        JsonNode job = JSON.readTree(fio.stdout().substring(fio.stdout().indexOf('{'))).get("jobs").get(0);
        assertEquals(0, job.get("error").asInt());
        assertTrue(job.get("write").get("io_bytes").asLong() > 0 && job.get("read").get("io_bytes").asLong() > 0);
        detachWhenIdle(unit);
        Peers.ok("qemu-img", "check", image.toString());
        assertNotEquals(0, Files.size(image));
    }

    @Test
    void tcpListenerOnLoopbackServesTheSameDevices() throws Exception {
        Path image = createImage("a.qcow2", "8M");
        qemuIo(image, "qcow2", "write -P 0x42 1M 1M");
        String unit = attach(image, false, 0);
        try (NbdServer tcp = NbdServer.start(table, NbdServer.Config.defaults().withoutUnixSocket().withTcpPort(0))) {
            String uri = tcp.uriFor(unit);
            assertTrue(uri.matches("nbd://127\\.0\\.0\\.1:\\d+/" + unit), uri);
            JsonNode info = json(Peers.run("nbdinfo", "--json", uri)).get("exports").get(0);
            assertEquals(8L << 20, info.get("export-size").asLong());
            assertNoQemuIoFailure(qemuIoNbd(uri, "read -P 0x42 1M 1M", "write -P 0x43 0 64k", "read -P 0x43 0 64k")
                    .assertOk());
            assertNoQemuIoFailure(qemuIoNbd(uri(unit), "read -P 0x43 0 64k").assertOk());
        }
    }

    @Test
    void socketPathsWithSpacesGiveUsableUris() throws Exception {
        String unit = attach(createImage("a.qcow2", "1M"), false, 0);
        Path odd = Files.createDirectories(dir.resolve("my vms+ä"));
        try (NbdServer spaced = NbdServer.start(table, NbdServer.Config.defaults().withUnixSocket(odd.resolve("s.sock")))) {
            String uri = spaced.uriFor(unit);
            assertFalse(uri.contains(" "), uri);
            assertEquals(1L << 20, json(Peers.run("nbdinfo", "--json", uri)).get("exports").get(0)
                    .get("export-size").asLong());
        }
    }

    static byte[] sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }
}
