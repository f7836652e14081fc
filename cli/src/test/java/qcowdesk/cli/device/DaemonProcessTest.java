package qcowdesk.cli.device;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.QcowctlProcess;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.testkit.Peers;

import static qcowdesk.cli.QcowctlProcess.READY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code qcowctl daemon} and the vnconfig-style device commands, each a real process talking over the real
 * control socket, with real NBD clients on the devices.
 */
class DaemonProcessTest {

    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    static Path shared;
    static Path runtime;
    static QcowctlProcess daemon;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDaemon() {
        runtime = shared.resolve("runtime");
        daemon = QcowctlProcess.start(runtime, shared, "daemon");
        String ready = daemon.nextLine(READY);
        assertTrue(ready.startsWith("qcowctl daemon: pid " + daemon.pid() + ", control socket "
                + runtime.resolve("control.sock") + ", NBD socket " + runtime.resolve("nbd.sock")), ready);
    }

    @AfterAll
    static void stopDaemon() {
        daemon.signal("TERM");
        QcowctlProcess.Result result = daemon.awaitExit(EXIT);
        daemon.close();
        assertEquals(0, result.exitCode(), result.stderr());
    }

    @Test
    void attachesReadWriteAndReadOnlyWithBothSectorSizes() throws Exception {
        Path rw = image("rw.qcow2", "16M");
        Path ro = image("ro.qcow2", "16M");
        String[] rwAttach = ok("attach", "-s", "9", rw.toString()).trim().split(" ");
        String[] roAttach = ok("attach", "-r", "-s", "12", ro.toString()).trim().split(" ");
        assertEquals("nbd+unix:///" + rwAttach[0] + "?socket=" + runtime.resolve("nbd.sock"), rwAttach[1]);

        JsonNode rwInfo = nbdinfo(rwAttach[1]);
        assertFalse(rwInfo.get("is_read_only").asBoolean());
        assertEquals(512, rwInfo.get("block_size_minimum").asInt());
        JsonNode roInfo = nbdinfo(roAttach[1]);
        assertTrue(roInfo.get("is_read_only").asBoolean());
        assertEquals(4096, roInfo.get("block_size_minimum").asInt());

        Peers.ok("qemu-io", "-f", "raw", "-c", "write -P 0x33 0 1M", rwAttach[1]);
        String list = ok("list");
        assertTrue(list.startsWith("UNIT"), list);
        assertTrue(list.lines().anyMatch(line -> line.matches(rwAttach[0] + " +rw +512 +0 +16 MiB +" + rw)), list);
        assertTrue(list.lines().anyMatch(line -> line.matches(roAttach[0] + " +ro +4096 +0 +16 MiB +" + ro)), list);
        assertEquals(list, run("-l").stdout());

        ok("detach", rwAttach[0]);
        ok("detach", roAttach[0]);
        Peers.ok("qemu-img", "check", rw.toString());
        Peers.ok("qemu-io", "-c", "read -P 0x33 0 1M", rw.toString());
        assertFalse(ok("list").contains(rwAttach[0] + " "));
    }

    @Test
    void readWriteAttachOfAReadOnlyFileIsRefused() throws Exception {
        Path image = image("mode0444.qcow2", "1M");
        Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("r--r--r--"));
        QcowctlProcess.Result refused = run("attach", image.toString());
        assertEquals(ExitCodes.REFUSED, refused.exitCode());
        assertEquals("", refused.stdout());
        assertEquals(1, refused.stderr().lines().count(), refused.stderr());
        assertTrue(refused.stderr().startsWith("qcowctl: ") && refused.stderr().contains("attach it read-only"),
                refused.stderr());
        JsonNode reply = rawRequest("{\"v\":1,\"op\":\"attach\",\"file\":\"" + image
                + "\",\"readOnly\":false,\"secBits\":0}");
        assertEquals("read-only-file", reply.path("error").path("code").asText(), reply.toString());

        String unit = ok("attach", "-r", image.toString()).split(" ")[0];
        ok("detach", unit);
    }

    @Test
    void detachIsBusyWhileAClientIsConnectedUnlessForced() throws Exception {
        Path image = image("busy.qcow2", "8M");
        String[] attached = ok("attach", image.toString()).trim().split(" ");
        String unit = attached[0];
        // qemu-io keeps its connection open while it waits for commands on stdin
        Path clientLog = dir.resolve("qemu-io.log");
        Process client = new ProcessBuilder("qemu-io", "-f", "raw", attached[1]).redirectErrorStream(true)
                .redirectOutput(clientLog.toFile()).start();
        try {
            awaitClients(unit, 1, clientLog);
            QcowctlProcess.Result busy = run("detach", unit);
            assertEquals(ExitCodes.REFUSED, busy.exitCode());
            assertTrue(busy.stderr().startsWith("qcowctl: ") && busy.stderr().contains("busy"), busy.stderr());
            assertTrue(ok("list").contains(unit + " "), "still attached");

            ok("detach", "-f", unit);
            assertFalse(ok("list").contains(unit + " "), "detached");
        } finally {
            client.getOutputStream().close();
            if (!client.waitFor(20, TimeUnit.SECONDS)) {
                client.destroyForcibly();
            }
        }
        Peers.ok("qemu-img", "check", image.toString());
    }

    @Test
    void fnameEchoesTheRelativeNameAndStatFollowsTheOpenFile() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("sub"));
        image("sub/rel.qcow2", "4M");
        String unit = QcowctlProcess.run(runtime, dir, "attach", "sub/rel.qcow2").stdout().split(" ")[0];
        assertTrue(unit.startsWith("qcow"), unit);
        assertEquals("sub/rel.qcow2\n", ok("fname", unit));

        assertStatMatches(unit, sub.resolve("rel.qcow2"));
        Path moved = sub.resolve("moved.qcow2");
        Files.move(sub.resolve("rel.qcow2"), moved);
        assertEquals("sub/rel.qcow2\n", ok("fname", unit), "fname stays the name given");
        assertStatMatches(unit, moved);

        JsonNode json = QemuJson.mapper().readTree(ok("stat", "--json", unit));
        assertEquals(Files.getAttribute(moved, "unix:ino"), json.get("ino").asLong());
        ok("detach", unit);
    }

    @Test
    void malformedControlRequestsGetErrorsAndTheDaemonKeepsAnswering() throws Exception {
        JsonNode garbage = rawRequest("{this is not json");
        assertFalse(garbage.path("ok").asBoolean(true), garbage.toString());
        assertFalse(garbage.path("error").path("message").asText().isEmpty(), garbage.toString());
        JsonNode unknown = rawRequest("{\"v\":1,\"op\":\"format-my-disk\"}");
        assertFalse(unknown.path("ok").asBoolean(true), unknown.toString());
        assertTrue(rawRequest("{\"v\":1,\"op\":\"list\"}").path("ok").asBoolean(), "the same daemon answers");
        assertEquals(0, run("list").exitCode());
    }

    @Test
    void notAttachedIsRefusedWithExit1() {
        QcowctlProcess.Result result = run("fname", "qcow999");
        assertEquals(ExitCodes.REFUSED, result.exitCode());
        assertTrue(result.stderr().startsWith("qcowctl: ") && result.stderr().contains("qcow999"), result.stderr());
        assertEquals(ExitCodes.REFUSED, run("detach", "qcow999").exitCode());
        assertEquals(ExitCodes.USAGE, run("attach", "-s", "8", "x.qcow2").exitCode());
        assertEquals(ExitCodes.USAGE, run("daemon", "--port", "0").exitCode());
        assertEquals(ExitCodes.USAGE, run("daemon", "--bogus").exitCode());
    }

    @Test
    void aSecondDaemonRefusesToStartNamingTheFirst() {
        QcowctlProcess.Result second = QcowctlProcess.run(runtime, dir, "daemon");
        assertEquals(ExitCodes.REFUSED, second.exitCode());
        assertTrue(second.stderr().startsWith("qcowctl: ") && second.stderr().contains("pid " + daemon.pid()),
                second.stderr());
        assertEquals(0, run("list").exitCode(), "the first daemon still serves");
    }

    @Test
    void aStaleSocketOfAKilledDaemonIsRecoveredAndSigtermFlushes() throws Exception {
        Path own = dir.resolve("own-runtime");
        try (QcowctlProcess crashed = QcowctlProcess.start(own, dir, "daemon")) {
            crashed.nextLine(READY);
            crashed.signal("KILL");
            crashed.awaitExit(EXIT);
        }
        assertTrue(Files.exists(own.resolve("control.sock")), "the killed daemon left its socket behind");
        Path image = image("flushed.qcow2", "8M");
        int port = freePort();
        try (QcowctlProcess next = QcowctlProcess.start(own, dir, "daemon", "--port", Integer.toString(port))) {
            assertTrue(next.nextLine(READY).endsWith(", NBD TCP 127.0.0.1:" + port));
            QcowctlProcess.Result attach = QcowctlProcess.run(own, dir, "attach", image.toString());
            assertEquals(0, attach.exitCode(), attach.stderr());
            String unit = attach.stdout().trim().split(" ")[0];
            Peers.ok("qemu-io", "-f", "raw", "-c", "write -P 0x44 64k 1M", "nbd://127.0.0.1:" + port + "/" + unit);
            next.signal("TERM");
            QcowctlProcess.Result result = next.awaitExit(EXIT);
            assertEquals(0, result.exitCode(), result.stderr());
        }
        assertFalse(Files.exists(own.resolve("control.sock")), "a clean exit removes the socket");
        Peers.ok("qemu-img", "check", image.toString());
        Peers.ok("qemu-io", "-c", "read -P 0x44 64k 1M", image.toString());
    }

    @Test
    void aDaemonOnANamedControlSocketIsReachedThroughThatSocket() throws Exception {
        Path socket = dir.resolve("private").resolve("ctl.sock");
        Path unused = dir.resolve("unused-runtime");
        try (QcowctlProcess named = QcowctlProcess.start(unused, dir, "daemon", "--socket", socket.toString())) {
            String ready = named.nextLine(READY);
            assertTrue(ready.contains("control socket " + socket + ", NBD socket " + socket.resolveSibling("nbd.sock")),
                    ready);
            Path image = image("named.qcow2", "8M");
            QcowctlProcess.Result attach = QcowctlProcess.run(unused, dir, "attach", "--socket", socket.toString(),
                    image.toString());
            assertEquals(0, attach.exitCode(), attach.stderr());
            QcowctlProcess.Result list = QcowctlProcess.run(unused, dir, "list", "--socket", socket.toString());
            assertEquals(0, list.exitCode(), list.stderr());
            assertTrue(list.stdout().contains("named.qcow2"), list.stdout());
            assertEquals(ExitCodes.REFUSED, QcowctlProcess.run(unused, dir, "list").exitCode(),
                    "nothing owns the default runtime directory");
            named.signal("TERM");
            assertEquals(0, named.awaitExit(EXIT).exitCode());
        }
        assertFalse(Files.exists(socket), "a clean exit removes the named socket");
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private void assertStatMatches(String unit, Path file) {
        List<String> ours = withoutNameAndBirth(ok("stat", unit));
        List<String> theirs = withoutNameAndBirth(Peers.ok("stat", file.toString()).stdout());
        assertEquals(theirs, ours);
        assertEquals(6, ours.size(), "all stat(1) lines but File and Birth are there");
    }

    private static List<String> withoutNameAndBirth(String statOutput) {
        return statOutput.lines().filter(l -> !l.startsWith("  File:") && !l.startsWith(" Birth:")).toList();
    }

    private void awaitClients(String unit, int clients, Path clientLog) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (String line : ok("list").lines().toList()) {
                String[] cells = line.trim().split(" +");
                if (cells[0].equals(unit) && cells[3].equals(Integer.toString(clients))) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        fail(unit + " never had " + clients + " clients: " + ok("list") + "\nclient: " + Files.readString(clientLog));
    }

    private Path image(String name, String size) {
        return commands().image(name, size);
    }

    private QcowctlProcess.Result run(String... args) {
        return commands().run(args);
    }

    private String ok(String... args) {
        return commands().ok(args);
    }

    private OwnerCommands commands() {
        return new OwnerCommands(runtime, dir);
    }

    private static JsonNode nbdinfo(String uri) throws IOException {
        return QemuJson.mapper().readTree(Peers.ok("nbdinfo", "--json", uri).stdout()).get("exports").get(0);
    }

    /** One request line over a raw connection to the control socket; the reply line parsed. */
    private static JsonNode rawRequest(String line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(runtime.resolve("control.sock")));
            OutputStream out = Channels.newOutputStream(channel);
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            String reply = in.readLine();
            assertTrue(reply != null, "the daemon answered " + line);
            return QemuJson.mapper().readTree(reply);
        }
    }
}
