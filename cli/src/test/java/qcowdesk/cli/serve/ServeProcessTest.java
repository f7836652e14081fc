package qcowdesk.cli.serve;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.QcowctlProcess;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.testkit.Peers;

import static qcowdesk.cli.QcowctlProcess.READY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code qcowctl serve} as a real process, used by real NBD clients, stopped by real signals. */
class ServeProcessTest {

    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void servesWritesAndFlushesOnSigterm() throws Exception {
        Path image = image("disk.qcow2", "64M");
        Path reference = dir.resolve("reference.qcow2");
        Files.copy(image, reference);
        Path socket = dir.resolve("nbd.sock");
        try (QcowctlProcess serve = QcowctlProcess.start(dir, dir, "serve", "--socket", socket.toString(),
                image.toString())) {
            String uri = serve.nextLine(READY);
            assertEquals("nbd+unix:///qcow0?socket=" + socket, uri);

            JsonNode info = QemuJson.mapper().readTree(Peers.ok("nbdinfo", "--json", uri).stdout())
                    .get("exports").get(0);
            assertEquals(64L << 20, info.get("export-size").asLong());
            assertFalse(info.get("is_read_only").asBoolean());
            assertEquals(512, info.get("block_size_minimum").asInt());
            assertEquals(image.toString(), info.get("description").asText());

            String[] script = {"-c", "write -P 0x5a 1000 70000", "-c", "write -z 1M 128k", "-c", "write -P 7 63M 1M",
                    "-c", "discard 4M 64k"};
            qemuIo("raw", uri, script);
            qemuIo("qcow2", reference.toString(), script);
            qemuIo("raw", uri, "-c", "read -P 0x5a 1000 70000", "-c", "read -P 7 63M 1M");

            Path copy = dir.resolve("copy.raw");
            Peers.ok("nbdcopy", uri, copy.toString());

            serve.signal("TERM");
            QcowctlProcess.Result result = serve.awaitExit(EXIT);
            assertEquals(0, result.exitCode(), result.stderr());
            assertEquals("", result.stderr());
            assertFalse(Files.exists(socket), "the socket is removed");

            Peers.ok("qemu-img", "check", image.toString());
            Peers.ok("qemu-img", "compare", "-f", "qcow2", "-F", "qcow2", reference.toString(), image.toString());
            Path raw = dir.resolve("converted.raw");
            Peers.ok("qemu-img", "convert", "-O", "raw", image.toString(), raw.toString());
            assertEquals(-1L, Files.mismatch(raw, copy), "nbdcopy of the export equals qemu-img convert");
        }
    }

    @Test
    void sigintAlsoEndsCleanlyAndSeveralImagesAreNumbered() throws Exception {
        Path a = image("a.qcow2", "1M");
        Path b = image("b.qcow2", "2M");
        Path socket = dir.resolve("two.sock");
        try (QcowctlProcess serve = QcowctlProcess.start(dir, dir, "serve", "--socket", socket.toString(),
                a.toString(), b.toString())) {
            assertEquals("nbd+unix:///qcow0?socket=" + socket, serve.nextLine(READY));
            assertEquals("nbd+unix:///qcow1?socket=" + socket, serve.nextLine(READY));
            String list = Peers.ok("nbdinfo", "--list", "--json", "nbd+unix://?socket=" + socket).stdout();
            JsonNode exports = QemuJson.mapper().readTree(list).get("exports");
            assertEquals(2, exports.size());
            assertEquals(2L << 20, exports.get(1).get("export-size").asLong());
            // a client still connected when the signal comes is disconnected, not waited for
            Process client = new ProcessBuilder("qemu-io", "-f", "raw", "nbd+unix:///qcow1?socket=" + socket)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("client.log").toFile()).start();
            try {
                Thread.sleep(1000);
                assertTrue(client.isAlive(), Files.readString(dir.resolve("client.log")));
                serve.signal("INT");
                QcowctlProcess.Result result = serve.awaitExit(EXIT);
                assertEquals(0, result.exitCode(), result.stderr());
            } finally {
                client.getOutputStream().close();
                client.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                client.destroyForcibly();
            }
        }
        Peers.ok("qemu-img", "check", a.toString());
    }

    @Test
    void readOnlyExportRefusesWritesAndLeavesTheFileAlone() throws Exception {
        Path image = image("ro.qcow2", "8M");
        Peers.ok("qemu-io", "-c", "write -P 3 0 1M", image.toString());
        byte[] before = Files.readAllBytes(image);
        Path socket = dir.resolve("ro.sock");
        try (QcowctlProcess serve = QcowctlProcess.start(dir, dir, "serve", "--read-only", "--socket",
                socket.toString(), image.toString())) {
            String uri = serve.nextLine(READY);
            JsonNode info = QemuJson.mapper().readTree(Peers.ok("nbdinfo", "--json", uri).stdout())
                    .get("exports").get(0);
            assertTrue(info.get("is_read_only").asBoolean());
            Peers.Result write = Peers.run("qemu-io", "-f", "raw", "-c", "write -P 9 0 4k", uri);
            assertTrue(write.exitCode() != 0 || (write.stdout() + write.stderr()).contains("ermission")
                    || (write.stdout() + write.stderr()).contains("read-only"), write.stdout() + write.stderr());
            qemuIo("raw", uri, "-r", "-c", "read -P 3 0 1M");
            serve.signal("TERM");
            assertEquals(0, serve.awaitExit(EXIT).exitCode());
        }
        assertArrayEquals(before, Files.readAllBytes(image));
    }

    @Test
    void sectorSizeAndNameReachTheClient() throws Exception {
        Path image = image("big-sectors.qcow2", "4M");
        Path socket = dir.resolve("named.sock");
        try (QcowctlProcess serve = QcowctlProcess.start(dir, dir, "serve", "--sector-size", "4096", "--name", "vm",
                "--socket", socket.toString(), image.toString())) {
            String uri = serve.nextLine(READY);
            assertEquals("nbd+unix:///vm?socket=" + socket, uri);
            JsonNode info = QemuJson.mapper().readTree(Peers.ok("nbdinfo", "--json", uri).stdout())
                    .get("exports").get(0);
            assertEquals("vm", info.get("export-name").asText());
            assertEquals(4096, info.get("block_size_minimum").asInt());
            serve.signal("TERM");
            assertEquals(0, serve.awaitExit(EXIT).exitCode());
        }
    }

    @Test
    void tcpPortServesOnLoopback() throws Exception {
        Path image = image("tcp.qcow2", "4M");
        try (QcowctlProcess serve = QcowctlProcess.start(dir, dir, "serve", "--port", "0", "--secbits", "12",
                image.toString())) {
            String uri = serve.nextLine(READY);
            assertTrue(uri.matches("nbd://127\\.0\\.0\\.1:\\d+/qcow0"), uri);
            assertNotEquals("nbd://127.0.0.1:0/qcow0", uri);
            qemuIo("raw", uri, "-c", "write -P 1 8k 4k", "-c", "read -P 1 8k 4k");
            JsonNode info = QemuJson.mapper().readTree(Peers.ok("nbdinfo", "--json", uri).stdout())
                    .get("exports").get(0);
            assertEquals(4096, info.get("block_size_minimum").asInt());
            serve.signal("TERM");
            assertEquals(0, serve.awaitExit(EXIT).exitCode());
        }
        Peers.ok("qemu-img", "check", image.toString());
    }

    @Test
    void defaultSocketIsInTheRuntimeDirectoryAndTheImageIsLockedAgainstASecondWriter() throws Exception {
        Path image = image("locked.qcow2", "4M");
        try (QcowctlProcess serve = QcowctlProcess.start(dir, dir, "serve", image.toString())) {
            String uri = serve.nextLine(READY);
            assertEquals("nbd+unix:///qcow0?socket=" + dir.resolve("serve-" + serve.pid() + ".sock"), uri);
            QcowctlProcess.Result second = QcowctlProcess.run(dir, dir, "serve", "--socket",
                    dir.resolve("second.sock").toString(), image.toString());
            assertEquals(ExitCodes.REFUSED, second.exitCode());
            assertTrue(second.stderr().startsWith("qcowctl: ") && second.stderr().contains(image.toString()),
                    second.stderr());
            // its socket was bound before the image was refused (serve binds first): it must not stay behind
            assertFalse(Files.exists(dir.resolve("second.sock")), "the refused server's socket is removed");
            Peers.Result qemu = Peers.run("qemu-io", "-c", "write 0 4k", image.toString());
            assertNotEquals(0, qemu.exitCode(), "QEMU respects our lock: " + qemu.stdout() + qemu.stderr());
            serve.signal("TERM");
            assertEquals(0, serve.awaitExit(EXIT).exitCode());
        }
    }

    @Test
    void badImageFailsAtOnceWithTheEnginesMessage() throws Exception {
        Path garbage = dir.resolve("garbage.qcow2");
        byte[] junk = new byte[4096];
        Arrays.fill(junk, (byte) 0x41);
        Files.write(garbage, junk);
        QcowctlProcess.Result result = QcowctlProcess.run(dir, dir, "serve", "--socket",
                dir.resolve("bad.sock").toString(), garbage.toString());
        assertEquals(ExitCodes.REFUSED, result.exitCode());
        assertEquals("", result.stdout());
        assertTrue(result.stderr().startsWith("qcowctl: "), result.stderr());
        assertEquals(1, result.stderr().lines().count(), result.stderr());
        assertFalse(Files.exists(dir.resolve("bad.sock")));

        QcowctlProcess.Result missing = QcowctlProcess.run(dir, dir, "serve", "--socket",
                dir.resolve("bad.sock").toString(), "no-such.qcow2");
        assertEquals(ExitCodes.REFUSED, missing.exitCode());
        assertTrue(missing.stderr().startsWith("qcowctl: ") && missing.stderr().contains("no-such.qcow2"),
                missing.stderr());
    }

    @Test
    void usageErrorsExit2() {
        Path image = dir.resolve("x.qcow2");
        assertEquals(ExitCodes.USAGE, QcowctlProcess.run(dir, dir, "serve").exitCode());
        QcowctlProcess.Result both = QcowctlProcess.run(dir, dir, "serve", "--socket", "s", "--port", "1",
                image.toString());
        assertEquals(ExitCodes.USAGE, both.exitCode());
        assertTrue(both.stderr().contains("mutually exclusive"), both.stderr());
        QcowctlProcess.Result names = QcowctlProcess.run(dir, dir, "serve", "--name", "vm", "a.qcow2", "b.qcow2");
        assertEquals(ExitCodes.USAGE, names.exitCode());
        assertTrue(names.stderr().contains("--name applies when one image is served"), names.stderr());
        assertEquals(ExitCodes.USAGE, QcowctlProcess.run(dir, dir, "serve", "--bind", "::1", "a.qcow2").exitCode());
    }

    private Path image(String name, String size) {
        Path image = dir.resolve(name);
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), size);
        return image;
    }

    private static void qemuIo(String format, String target, String... script) {
        String[] command = new String[script.length + 4];
        command[0] = "qemu-io";
        command[1] = "-f";
        command[2] = format;
        System.arraycopy(script, 0, command, 3, script.length);
        command[command.length - 1] = target;
        Peers.Result result = Peers.ok(command);
        assertFalse(result.stdout().contains("failed") || result.stdout().contains("Pattern verification"),
                String.join(" ", command) + ": " + result.stdout());
    }
}
