package qcowdesk.bridge.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.bridge.host.DeviceHost;
import qcowdesk.bridge.owner.OwnerInfo;
import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.Device;
import qcowdesk.engine.device.DeviceEvent;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.FileStat;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.UnwritableFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The control path through its real Unix socket: a device host, raw JSON lines and the typed client. */
class ControlSocketTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path runtime;
    private DeviceHost host;

    @BeforeEach
    void startHost() throws IOException {
        runtime = dir.resolve("run");
        host = DeviceHost.start(TestHosts.options(runtime, "test host"));
    }

    @AfterEach
    void stopHost() throws IOException {
        if (host != null) {
            host.close();
        }
    }

    private Path image(String name, int size) {
        return TestHosts.qcow2(dir.resolve(name), size);
    }

    private ControlClient client() throws IOException {
        return ControlClient.connect(runtime.resolve("control.sock"));
    }

    private static EngineException fails(ErrorCode code, Executable action) {
        EngineException e = assertThrows(EngineException.class, action);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    /** A connection that speaks raw lines. */
    private final class Raw implements AutoCloseable {
        final SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        final OutputStream out;
        final BufferedReader in;

        Raw() throws IOException {
            channel.connect(UnixDomainSocketAddress.of(runtime.resolve("control.sock")));
            out = Channels.newOutputStream(channel);
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        }

        JsonNode ask(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            return next();
        }

        JsonNode next() throws IOException {
            String reply = in.readLine();
            assertNotNull(reply, "the owner closed the connection instead of answering");
            JsonNode node = JSON.readTree(reply);
            assertEquals(1, node.path("v").asInt(), reply);
            return node;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static void assertError(JsonNode reply, String code, String messagePart) {
        assertFalse(reply.path("ok").asBoolean(true), reply.toString());
        assertEquals(code, reply.path("error").path("code").asText(), reply.toString());
        assertTrue(reply.path("error").path("message").asText().contains(messagePart), reply.toString());
    }

    @Test
    void attachReadWriteAndReadOnlyWithSectorSizes512And4096() throws IOException {
        Path a = image("a.img", 1 << 20);
        Path b = image("b.img", (1 << 20) + 3584);
        try (ControlClient client = client()) {
            ControlClient.Attached rw = client.attach(a.toString(), false, 9, null);
            assertEquals(new ControlClient.Attached("qcow0",
                    "nbd+unix:///qcow0?socket=" + runtime.resolve("nbd.sock"), 2048, 512), rw);
            ControlClient.Attached ro = client.attach(b.toString(), true, 12, null);
            assertEquals("qcow1", ro.unit());
            assertEquals(4096, ro.sectorSize());
            assertEquals(256, ro.sectors());
            assertEquals(List.of(new DeviceInfo("qcow0", a.toString(), false, 512, 1 << 20, 0),
                    new DeviceInfo("qcow1", b.toString(), true, 4096, 1 << 20, 0)), client.list());
            assertTrue(host.devices().find("qcow1").orElseThrow().readOnly());
        }
        try (Raw raw = new Raw()) {
            JsonNode list = raw.ask("{\"v\":1,\"op\":\"list\",\"id\":7}");
            assertEquals(7, list.path("id").asInt());
            JsonNode first = list.path("devices").get(0);
            assertEquals("qcow0", first.path("unit").asText());
            assertEquals(2048, first.path("sectors").asLong());
            assertFalse(first.path("readOnly").asBoolean());
            assertTrue(first.path("uri").asText().startsWith("nbd+unix:///qcow0?socket="));
        }
    }

    @Test
    void attachReadWriteOfAReadOnlyFileFailsWithTheReadOnlyFileCode() throws IOException {
        try (UnwritableFile file = UnwritableFile.of(image("locked.img", 65536)); ControlClient client = client()) {
            EngineException e = fails(ErrorCode.READ_ONLY_FILE, () -> client.attach(file.path().toString(), false, 0, null));
            assertTrue(e.getMessage().contains("for writing"), e.getMessage());
            try (Raw raw = new Raw()) {
                assertError(raw.ask("{\"v\":1,\"op\":\"attach\",\"file\":" + JSON.writeValueAsString(file.path().toString())
                        + ",\"readOnly\":false}"), "read-only-file", "for writing");
            }
            assertEquals("qcow0", client.attach(file.path().toString(), true, 0, null).unit());
        }
    }

    @Test
    void errorsCarryTheEngineCodes() throws IOException {
        Path a = image("a.img", 65536);
        try (Raw raw = new Raw()) {
            assertError(raw.ask("{\"v\":1,\"op\":\"detach\",\"unit\":\"qcow3\"}"), "not-attached", "qcow3 is not attached");
            assertError(raw.ask("{\"v\":1,\"op\":\"attach\",\"file\":\"" + a + "\",\"secBits\":17}"), "invalid-argument",
                    "sector size exponent 17");
            assertEquals(true, raw.ask("{\"v\":1,\"op\":\"attach\",\"file\":\"" + a + "\"}").path("ok").asBoolean());
            assertError(raw.ask("{\"v\":1,\"op\":\"attach\",\"file\":\"" + a + "\"}"), "in-use", "qcow0");
            assertError(raw.ask("{\"v\":1,\"op\":\"attach\",\"file\":\"" + dir.resolve("none") + "\",\"readOnly\":true}"),
                    "io", "no such file");
        }
    }

    @Test
    void detachIsBusyWhileAClientIsConnectedAndForceDisconnectsIt() throws IOException {
        Path a = image("a.img", 65536);
        try (ControlClient client = client()) {
            client.attach(a.toString(), false, 0, null);
            Device device = host.devices().find("qcow0").orElseThrow();
            AtomicInteger forced = new AtomicInteger();
            Device.ClientLease[] lease = new Device.ClientLease[1];
            lease[0] = device.connect(() -> {
                forced.incrementAndGet();
                lease[0].close();
            });
            EngineException busy = fails(ErrorCode.BUSY, () -> client.detach("qcow0", false));
            assertTrue(busy.getMessage().contains("1 client"), busy.getMessage());
            try (Raw raw = new Raw()) {
                JsonNode reply = raw.ask("{\"v\":1,\"op\":\"detach\",\"unit\":\"qcow0\"}");
                assertError(reply, "busy", "device busy");
                assertEquals(1, reply.path("error").path("clients").asInt());
            }
            assertEquals(1, client.list().get(0).clients());
            assertEquals(0, forced.get());
            client.detach("qcow0", true);
            assertEquals(1, forced.get());
            assertTrue(client.list().isEmpty());
        }
    }

    @Test
    void fnameEchoesARelativePathAsGiven() throws IOException {
        Files.createDirectories(dir.resolve("images"));
        image("images/rel.img", 65536);
        try (Raw raw = new Raw()) {
            JsonNode attached = raw.ask("{\"v\":1,\"op\":\"attach\",\"file\":\"images/../images/rel.img\",\"readOnly\":true,"
                    + "\"cwd\":" + JSON.writeValueAsString(dir.toString()) + "}");
            assertTrue(attached.path("ok").asBoolean(), attached.toString());
            JsonNode fname = raw.ask("{\"v\":1,\"op\":\"fname\",\"unit\":\"qcow0\"}");
            assertEquals("images/../images/rel.img", fname.path("file").asText());
            assertError(raw.ask("{\"v\":1,\"op\":\"attach\",\"file\":\"x.img\",\"cwd\":\"relative/dir\"}"),
                    "invalid-argument", "absolute");
        }
        // the typed client sends its own working directory along with the name as given
        Path cwd = Path.of("").toAbsolutePath();
        Path local = cwd.resolve("target").resolve("control-fname-" + System.nanoTime() + ".qcow2");
        TestHosts.qcow2(local, 65536);
        try (ControlClient client = client()) {
            String relative = cwd.relativize(local).toString();
            ControlClient.Attached attached = client.attach(relative, true, 0, null);
            assertEquals(relative, client.fname(attached.unit()));
        } finally {
            host.devices().detach("qcow1", true);
            Files.delete(local);
        }
    }

    @Test
    void statIsTheOpenFilesFstatAlsoAfterTheFileIsRenamed() throws IOException {
        Path a = image("a.img", 1 << 20);
        try (ControlClient client = client()) {
            String unit = client.attach(a.toString(), false, 0, null).unit();
            assertStatLikeStat1(a, client.stat(unit));
            Path renamed = dir.resolve("renamed.img");
            Files.move(a, renamed);
            assertStatLikeStat1(renamed, client.stat(unit));
            try (Raw raw = new Raw()) {
                JsonNode stat = raw.ask("{\"v\":1,\"op\":\"stat\",\"unit\":\"" + unit + "\"}").path("stat");
                assertEquals(Files.size(renamed), stat.path("size").asLong());
                assertTrue(stat.path("mtime").path("seconds").asLong() > 0, stat.toString());
            }
        }
    }

    private static void assertStatLikeStat1(Path file, FileStat stat) {
        String[] f = Peers.ok("stat", "-c", "%d %i %f %h %u %g %s %b %B %X %Y %Z", file.toString()).stdout().trim().split(" ");
        long[] expected = {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2], 16), Long.parseLong(f[3]),
                Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]),
                Long.parseLong(f[7]) * Long.parseLong(f[8]) / 512, Long.parseLong(f[9]), Long.parseLong(f[10]),
                Long.parseLong(f[11])};
        long[] actual = {stat.dev(), stat.ino(), stat.mode(), stat.nlink(), stat.uid(), stat.gid(), stat.size(),
                stat.blocks(), stat.atime().seconds(), stat.mtime().seconds(), stat.ctime().seconds()};
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(actual));
    }

    @Test
    void badRequestsGetErrorRepliesAndTheOwnerKeepsAnswering() throws IOException {
        try (Raw raw = new Raw()) {
            assertError(raw.ask("{\"v\":1,\"op\":"), "invalid-argument", "malformed JSON");
            assertError(raw.ask("not json at all"), "invalid-argument", "malformed JSON");
            assertError(raw.ask("[1,2,3]"), "invalid-argument", "JSON object");
            assertError(raw.ask("{\"op\":\"list\"}"), "invalid-argument", "protocol version");
            assertError(raw.ask("{\"v\":2,\"op\":\"list\"}"), "invalid-argument", "protocol version 2");
            assertError(raw.ask("{\"v\":1}"), "invalid-argument", "'op'");
            assertError(raw.ask("{\"v\":1,\"op\":\"format-disk\"}"), "invalid-argument", "unknown op 'format-disk'");
            assertError(raw.ask("{\"v\":1,\"op\":\"attach\"}"), "invalid-argument", "'file'");
            assertError(raw.ask("{\"v\":1,\"op\":\"attach\",\"file\":3}"), "invalid-argument", "must be a string");
            assertError(raw.ask("{\"v\":1,\"op\":\"attach\",\"file\":\"x\",\"secBits\":\"12\"}"), "invalid-argument", "integer");
            assertError(raw.ask("{\"v\":1,\"op\":\"detach\",\"unit\":\"qcow0\",\"force\":\"yes\"}"), "invalid-argument", "true or false");
            assertError(raw.ask("{\"v\":1,\"op\":\"fname\"}"), "invalid-argument", "'unit'");
            String huge = "{\"v\":1,\"op\":\"list\",\"pad\":\"" + "x".repeat(200_000) + "\"}";
            assertError(raw.ask(huge), "invalid-argument", "longer than the limit of 65536 bytes");
            raw.out.write(new byte[] {(byte) 0xff, (byte) 0xfe, 0, '\n'});
            assertError(raw.next(), "invalid-argument", "malformed JSON");
            assertTrue(raw.ask("{\"v\":1,\"op\":\"list\"}").path("ok").asBoolean(), "the same connection still works");
        }
        try (Raw abrupt = new Raw()) {
            abrupt.out.write("{\"v\":1,\"op\":\"li".getBytes(StandardCharsets.UTF_8));
        }
        try (ControlClient client = client()) {
            assertEquals("test host", client.hello().description());
        }
    }

    @Test
    void manyClientsAtOnce() throws Exception {
        Path a = image("a.img", 65536);
        host.devices().attach(new qcowdesk.engine.device.AttachRequest(a.toString(), true, 0, null));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> {
                    int answered = 0;
                    try (ControlClient client = client()) {
                        for (int n = 0; n < 20; n++) {
                            answered += client.list().size() + (client.fname("qcow0").equals(a.toString()) ? 1 : 0);
                        }
                    }
                    return answered;
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(40, result.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void connectionsBeyondTheLimitAreToldWhyAndTheOthersGoOn() throws IOException {
        List<Raw> held = new ArrayList<>();
        try {
            for (int i = 0; i < ControlServer.MAX_CONNECTIONS; i++) {
                Raw raw = new Raw();
                held.add(raw);
                assertTrue(raw.ask("{\"v\":1,\"op\":\"hello\"}").path("ok").asBoolean());
            }
            try (Raw extra = new Raw()) {
                assertError(extra.next(), "busy", "too many control connections");
                assertEquals(null, extra.in.readLine(), "then it is closed");
            }
            assertTrue(held.get(0).ask("{\"v\":1,\"op\":\"list\"}").path("ok").asBoolean());
        } finally {
            for (Raw raw : held) {
                raw.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            // the server notices the closed connections asynchronously
            try (ControlClient another = client()) {
                assertEquals("test host", another.hello().description());
                break;
            } catch (EngineException stillFull) {
                assertTrue(System.nanoTime() < deadline, stillFull.getMessage());
            }
        }
    }

    @Test
    void socketIsPrivateToItsUser() throws IOException {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runtime)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runtime.resolve("control.sock"))));
    }

    @Test
    void aRuntimeDirectoryThatIsNotPrivatelyOursIsNotTrusted() throws IOException {
        host.close();
        host = null;
        qcowdesk.bridge.RuntimeDirectory directory = new qcowdesk.bridge.RuntimeDirectory(runtime);
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxr-xr-x"));
        EngineException open = fails(ErrorCode.IO, () -> ControlClient.connect(directory));
        assertTrue(open.getMessage().contains("open to other users"), open.getMessage());

        Files.setAttribute(runtime, "unix:uid", 65534);
        EngineException foreign = fails(ErrorCode.IO, () -> DeviceHost.start(TestHosts.options(runtime, "second")));
        assertTrue(foreign.getMessage().contains("belongs to user 65534"), foreign.getMessage());
        Files.setAttribute(runtime, "unix:uid", (Integer) Files.getAttribute(dir, "unix:uid"));

        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, elsewhere);
        EngineException linked = fails(ErrorCode.IO, () -> DeviceHost.start(TestHosts.options(link, "linked")));
        assertTrue(linked.getMessage().contains("not a directory of its own"), linked.getMessage());

        // an existing directory is never re-moded behind the user's back: the owner refuses until it is private
        EngineException stillOpen = fails(ErrorCode.IO, () -> DeviceHost.start(TestHosts.options(runtime, "open")));
        assertTrue(stillOpen.getMessage().contains("open to other users"), stillOpen.getMessage());
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
        host = DeviceHost.start(TestHosts.options(runtime, "private again"));
        try (ControlClient client = ControlClient.connect(directory)) {
            assertEquals("private again", client.hello().description());
        }
    }

    @Test
    void helloNamesTheOwner() throws IOException {
        try (ControlClient client = client()) {
            OwnerInfo owner = client.hello();
            assertEquals(ProcessHandle.current().pid(), owner.pid());
            assertEquals("test host", owner.description());
            assertEquals(runtime.resolve("control.sock").toString(), owner.controlSocket());
            assertEquals(runtime.resolve("nbd.sock").toString(), owner.nbdSocket());
        }
    }

    @Test
    void aSecondOwnerInTheSameProcessIsRefusedNamingTheFirst() {
        EngineException e = fails(ErrorCode.IN_USE, () -> DeviceHost.start(TestHosts.options(runtime, "second")));
        assertTrue(e.getMessage().contains("already running as pid " + ProcessHandle.current().pid() + " (test host)"),
                e.getMessage());
        assertTrue(e.getMessage().contains(runtime.resolve("control.sock").toString()), e.getMessage());
    }

    @Test
    void watchersSeeAttachAndDetachWellWithinASecond() throws Exception {
        Path a = image("a.img", 65536);
        BlockingQueue<DeviceEvent> events = new LinkedBlockingQueue<>();
        BlockingQueue<String> ends = new LinkedBlockingQueue<>();
        try (ControlClient client = client();
             DeviceWatch watch = client.watch(new WatchListener() {
                 @Override
                 public void event(DeviceEvent event) {
                     events.add(event);
                 }

                 @Override
                 public void ended(IOException cause) {
                     ends.add(cause == null ? "closed" : cause.getMessage());
                 }
             })) {
            assertTrue(watch.initialDevices().isEmpty());
            long start = System.nanoTime();
            ControlClient.Attached attached = client.attach(a.toString(), false, 0, null);
            DeviceEvent first = events.poll(1, TimeUnit.SECONDS);
            assertEquals(new DeviceEvent.Attached(new DeviceInfo(attached.unit(), a.toString(), false, 512, 65536, 0)), first);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
            Device.ClientLease lease = host.devices().find("qcow0").orElseThrow().connect(() -> { });
            assertEquals(new DeviceEvent.ClientConnected("qcow0", 1), events.poll(1, TimeUnit.SECONDS));
            lease.close();
            assertEquals(new DeviceEvent.ClientDisconnected("qcow0", 0), events.poll(1, TimeUnit.SECONDS));
            client.detach("qcow0", false);
            assertEquals(new DeviceEvent.Detached("qcow0", a.toString(), false), events.poll(1, TimeUnit.SECONDS));
        }
        assertEquals("closed", ends.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aWatcherLearnsWhenTheOwnerStops() throws Exception {
        BlockingQueue<String> ends = new LinkedBlockingQueue<>();
        try (ControlClient client = client(); DeviceWatch ignored = client.watch(new WatchListener() {
            @Override
            public void event(DeviceEvent event) {
            }

            @Override
            public void ended(IOException cause) {
                ends.add(String.valueOf(cause));
            }
        })) {
            host.close();
            host = null;
            String end = ends.poll(5, TimeUnit.SECONDS);
            assertNotNull(end);
            assertFalse(end.equals("null"), "an owner going away is not a deliberate close");
        }
    }

    @Test
    void closingTheHostDetachesEverythingAndFreesTheSocketForTheNextOwner() throws IOException {
        Path a = image("a.img", 65536);
        host.devices().attach(new qcowdesk.engine.device.AttachRequest(a.toString(), false, 0, null));
        Device.ClientLease[] lease = new Device.ClientLease[1];
        lease[0] = host.devices().find("qcow0").orElseThrow().connect(() -> lease[0].close());
        host.close();
        host = null;
        assertFalse(Files.exists(runtime.resolve("control.sock")));
        assertThrows(NoOwnerException.class, this::client);
        host = DeviceHost.start(TestHosts.options(runtime, "next"));
        try (ControlClient client = client()) {
            assertEquals("next", client.hello().description());
            assertEquals("qcow0", client.attach(a.toString(), false, 0, null).unit(), "the image was released");
        }
    }

    @Test
    void aStaleSocketLeftBehindIsReplaced() throws IOException {
        host.close();
        host = null;
        Path socket = runtime.resolve("control.sock");
        // what a crashed owner leaves: the socket file, with nobody listening
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket));
        assertThrows(NoOwnerException.class, this::client);
        host = DeviceHost.start(TestHosts.options(runtime, "recovered"));
        try (ControlClient client = client()) {
            assertEquals("recovered", client.hello().description());
        }
    }

    @Test
    void anNbdServerAlreadyOnTheSocketIsNamedAsSuch() throws IOException {
        host.close();
        host = null;
        try (ServerSocketChannel serving = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            serving.bind(UnixDomainSocketAddress.of(runtime.resolve("nbd.sock")));
            EngineException e = fails(ErrorCode.IN_USE, () -> DeviceHost.start(TestHosts.options(runtime, "second")));
            assertTrue(e.getMessage().contains("an NBD server (such as 'qcowctl serve') already listens on"), e.getMessage());
        }
        host = DeviceHost.start(TestHosts.options(runtime, "after serve stopped"));
    }

    @Test
    void withNoOwnerTheClientSaysSoAndHowToStartOne() throws IOException {
        host.close();
        host = null;
        NoOwnerException e = assertThrows(NoOwnerException.class, this::client);
        assertTrue(e.getMessage().contains("qcowctl daemon"), e.getMessage());
    }

    @Test
    void mapReadAndAllocationEventsOfADeviceAsItsOwnerSeesThemBeforeAnyFlush() throws Exception {
        Path file = image("live.img", 4 << 20);
        try (ControlClient client = client()) {
            client.attach(file.toString(), false, 9, "qcow0");
        }
        VirtualDisk owned = host.devices().find("qcow0").orElseThrow().disk();
        try (RemoteDisk remote = RemoteDisk.open(runtime.resolve("control.sock"), "qcow0")) {
            assertEquals(owned.size(), remote.size());
            assertEquals(owned.clusterSize(), remote.clusterSize());
            assertFalse(remote.isReadOnly());
            BlockingQueue<AllocationEvent> events = new LinkedBlockingQueue<>();
            remote.onAllocation(events::add);
            // written by the owner and not flushed: the file does not have it yet, the owner does
            byte[] pattern = new byte[3 << 20];
            java.util.Arrays.fill(pattern, (byte) 0x5a);
            owned.write(1 << 20, java.nio.ByteBuffer.wrap(pattern));
            AllocationEvent first = events.poll(30, TimeUnit.SECONDS);
            assertNotNull(first, "the allocation reached the remote view");
            assertTrue(first.allocated());
            assertEquals(owned.map(0, owned.size()), remote.map(0, remote.size()));
            java.nio.ByteBuffer read = java.nio.ByteBuffer.allocate((3 << 20) + 4096);
            remote.read((1 << 20) - 4096, read);
            for (int i = 0; i < read.capacity(); i++) {
                assertEquals(i < 4096 ? 0 : 0x5a, read.get(i), "byte " + i);
            }
            fails(ErrorCode.READ_ONLY_FILE, () -> remote.write(0, java.nio.ByteBuffer.allocate(512)));
        }
        try (Raw raw = new Raw()) {
            assertError(raw.ask("{\"v\":1,\"op\":\"read\",\"unit\":\"qcow0\",\"offset\":0,\"length\":2097152}"),
                    "invalid-argument", "must be 1 to 1048576 bytes");
            assertError(raw.ask("{\"v\":1,\"op\":\"read\",\"unit\":\"qcow0\",\"offset\":0,\"length\":0}"),
                    "invalid-argument", "must be 1 to 1048576 bytes");
            assertError(raw.ask("{\"v\":1,\"op\":\"read\",\"unit\":\"qcow0\",\"offset\":4194000,\"length\":4096}"),
                    "invalid-argument", "outside qcow0");
            assertError(raw.ask("{\"v\":1,\"op\":\"map\",\"unit\":\"qcow9\",\"offset\":0,\"length\":1}"),
                    "not-attached", "qcow9 is not attached");
            assertError(raw.ask("{\"v\":1,\"op\":\"map\",\"unit\":\"qcow0\",\"offset\":\"0\",\"length\":1}"),
                    "invalid-argument", "field 'offset' of 'map' must be an integer");
        }
        fails(ErrorCode.NOT_ATTACHED, () -> RemoteDisk.open(runtime.resolve("control.sock"), "qcow9"));
    }
}
