package qcowdesk.bridge.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.bridge.host.DeviceHost;
import qcowdesk.bridge.holders.BusyException;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The control path with real NBD clients on the devices it attaches. */
class ControlWithNbdClientsTest {

    @TempDir
    Path dir;

    private DeviceHost host;
    private ControlClient client;

    @BeforeEach
    void start() throws IOException {
        Path runtime = dir.resolve("run");
        host = DeviceHost.start(TestHosts.options(runtime, "test host"));
        client = ControlClient.connect(runtime.resolve("control.sock"));
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        host.close();
    }

    @Test
    void attachedDevicesAreServedAtTheirUriWithTheirGeometry() throws IOException {
        Path image = TestHosts.qcow2(dir.resolve("a.qcow2"), 4L << 20);
        ControlClient.Attached rw = client.attach(image.toString(), false, 12, null);
        JsonNode info = new ObjectMapper().readTree(Peers.ok("nbdinfo", "--json", rw.uri()).stdout());
        JsonNode export = info.path("exports").get(0);
        assertEquals(4L << 20, export.path("export-size").asLong());
        assertEquals(4096, export.path("block_size_minimum").asInt());
        assertFalse(export.path("is_read_only").asBoolean());
        client.detach(rw.unit(), false);

        ControlClient.Attached ro = client.attach(image.toString(), true, 9, null);
        JsonNode roInfo = new ObjectMapper().readTree(Peers.ok("nbdinfo", "--json", ro.uri()).stdout());
        assertTrue(roInfo.path("exports").get(0).path("is_read_only").asBoolean());
        assertEquals(512, roInfo.path("exports").get(0).path("block_size_minimum").asInt());
    }

    @Test
    void detachWithAConnectedQemuIoIsBusyUntilForcedAndTheClientSeesTheDisconnect() throws Exception {
        Path image = TestHosts.qcow2(dir.resolve("a.qcow2"), 4L << 20);
        ControlClient.Attached device = client.attach(image.toString(), false, 0, null);
        Peers.require("qemu-io");
        // qemu-io in interactive mode keeps its NBD connection open until it reads 'quit'
        Process qemuIo = new ProcessBuilder("qemu-io", "-f", "raw", device.uri()).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                qemuIo.getInputStream().transferTo(bytes);
            } catch (IOException ignored) {
                // the process ended
            }
            return bytes.toString(StandardCharsets.UTF_8);
        });
        try (OutputStream commands = qemuIo.getOutputStream()) {
            awaitClients(device.unit(), 1);
            EngineException busy = assertThrows(EngineException.class, () -> client.detach(device.unit(), false));
            assertEquals(ErrorCode.BUSY, busy.code());
            // the refusal names the client's process, found through its socket as ss -xp finds it
            assertTrue(busy.getMessage().contains("NBD client (Unix socket, pid " + qemuIo.pid() + ": qemu-io -f raw "
                    + device.uri() + ")"), busy.getMessage());
            assertEquals(1, ((BusyException) busy).holders().size());
            assertFalse(((BusyException) busy).mountsOnly());
            assertEquals(1, client.list().get(0).clients());

            client.detach(device.unit(), true);
            assertTrue(client.list().isEmpty());

            commands.write("read 0 512\nquit\n".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(qemuIo.waitFor(30, TimeUnit.SECONDS));
        String said = output.get(5, TimeUnit.SECONDS);
        assertFalse(said.contains("read 512/512 bytes"), "the read after the forced detach must fail:\n" + said);
        Peers.ok("qemu-img", "check", image.toString());
    }

    @Test
    void closingTheHostDisconnectsClientsAndLeavesEveryImageClean() throws Exception {
        Path first = TestHosts.qcow2(dir.resolve("first.qcow2"), 4L << 20);
        Path second = TestHosts.qcow2(dir.resolve("second.qcow2"), 4L << 20);
        ControlClient.Attached a = client.attach(first.toString(), false, 0, null);
        client.attach(second.toString(), false, 0, null);
        Process writer = new ProcessBuilder("qemu-io", "-f", "raw", a.uri())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream commands = writer.getOutputStream()) {
            commands.write("write -P 0x3c 65536 131072\n".getBytes(StandardCharsets.UTF_8));
            commands.flush();
            awaitClients(a.unit(), 1);
            long start = System.nanoTime();
            host.close();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "the client was disconnected, not waited out");
        }
        assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
        host = DeviceHost.start(TestHosts.options(dir.resolve("run"), "test host"));
        for (Path image : new Path[] {first, second}) {
            Peers.ok("qemu-img", "check", image.toString());
        }
    }

    @Test
    void aForcedDetachInTheMiddleOfRandomWritesLeavesAConsistentImage() throws Exception {
        Path image = TestHosts.qcow2(dir.resolve("busy.qcow2"), 64L << 20);
        ControlClient.Attached device = client.attach(image.toString(), false, 0, null);
        Peers.require("fio");
        // allocating writes in flight when the device goes away: metadata must not be torn
        Process fio = new ProcessBuilder("fio", "--name=writer", "--ioengine=nbd", "--uri=" + device.uri(),
                "--rw=randwrite", "--bs=64k", "--size=64M", "--iodepth=16", "--time_based", "--runtime=60")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitClients(device.unit(), 1);
            long grown = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (java.nio.file.Files.size(image) < (4L << 20) && System.nanoTime() < grown) {
                Thread.sleep(20);
            }
            assertTrue(java.nio.file.Files.size(image) >= (4L << 20), "fio was writing");
            client.detach(device.unit(), true);
            assertTrue(fio.waitFor(30, TimeUnit.SECONDS), "fio noticed the disconnect");
        } finally {
            fio.destroyForcibly();
            fio.waitFor(10, TimeUnit.SECONDS);
        }
        Peers.Result check = Peers.run("qemu-img", "check", image.toString());
        assertEquals(0, check.exitCode(), "qemu-img check: " + check.stdout() + check.stderr());
    }

    private void awaitClients(String unit, int clients) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (client.list().stream().anyMatch(d -> d.unit().equals(unit) && d.clients() == clients)) {
                return;
            }
            Thread.sleep(20);
        }
        fail(unit + " never had " + clients + " client(s)");
    }
}
