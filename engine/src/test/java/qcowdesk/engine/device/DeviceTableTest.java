package qcowdesk.engine.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.testing.RawFileDisk;
import qcowdesk.testkit.UnwritableFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static qcowdesk.engine.device.Refusals.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class DeviceTableTest {

    @TempDir
    Path dir;

    private final Map<Path, RawFileDisk> opened = new ConcurrentHashMap<>();
    private DeviceTable table;

    @BeforeEach
    void createTable() {
        table = new DeviceTable(this::open, Duration.ofSeconds(2));
    }

    @AfterEach
    void closeTable() throws EngineException {
        table.close();
    }

    private RawFileDisk open(Path path, boolean readOnly) throws IOException {
        RawFileDisk disk = new RawFileDisk(path, readOnly);
        opened.put(path.toAbsolutePath().normalize(), disk);
        return disk;
    }

    private Path image(String name, int size) throws IOException {
        Path file = dir.resolve(name);
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 7 + 3);
        }
        Files.write(file, data);
        return file;
    }

    private DeviceInfo attach(Path file, boolean readOnly, int secBits) throws EngineException {
        return table.attach(new AttachRequest(file.toString(), readOnly, secBits, null));
    }

    @Test
    void unitsAreNumberedFromZeroReusingTheLowestFree() throws IOException {
        Path a = image("a.img", 4096);
        Path b = image("b.img", 4096);
        Path c = image("c.img", 4096);
        assertEquals("qcow0", attach(a, false, 0).unit());
        assertEquals("qcow1", attach(b, false, 0).unit());
        assertEquals("qcow2", attach(c, true, 0).unit());
        table.detach("qcow1", false);
        assertEquals(List.of("qcow0", "qcow2"), table.list().stream().map(DeviceInfo::unit).toList());
        assertEquals("qcow1", attach(b, true, 0).unit());
        DeviceInfo info = table.list().get(2);
        assertEquals(new DeviceInfo("qcow2", c.toString(), true, 512, 4096, 0), info);
    }

    @Test
    void unitsAreListedInNumericOrder() throws IOException {
        for (int n : new int[] {10, 2, 1}) {
            table.attach(new AttachRequest(image(n + ".img", 512).toString(), false, 0, "qcow" + n));
        }
        table.attach(new AttachRequest(image("x.img", 512).toString(), false, 0, "alpha"));
        assertEquals(List.of("qcow1", "qcow2", "qcow10", "alpha"), table.list().stream().map(DeviceInfo::unit).toList());
        assertEquals(List.of("qcow1", "qcow2", "qcow10", "alpha"), table.devices().stream().map(Device::unit).toList());
    }

    @Test
    void sectorSizeComesFromSecBitsAndTheSizeIsWholeSectors() throws IOException {
        Path file = image("odd.img", 10_000);
        DeviceInfo small = attach(file, true, 0);
        assertEquals(512, small.sectorSize());
        assertEquals((10_000 >> 9) << 9, small.sizeBytes());
        assertEquals(10_000 >> 9, small.sectors());
        DeviceInfo big = attach(file, true, 12);
        assertEquals(4096, big.sectorSize());
        assertEquals(8192, big.sizeBytes());
        assertEquals(2, big.sectors());
        DeviceInfo max = attach(image("big.img", 3 * 65536 + 5), true, 16);
        assertEquals(3 * 65536, max.sizeBytes());
        assertEquals(8192, table.find(big.unit()).orElseThrow().disk().size());
        // the device ends at its last whole sector even though the image goes on
        Device device = table.find(big.unit()).orElseThrow();
        fails(ErrorCode.INVALID_ARGUMENT, () -> device.disk().read(8192, ByteBuffer.allocate(512)));
        // callers other than the NBD server (hex view, contents readers) get the checked reads: one clear error
        EngineException outside = fails(ErrorCode.INVALID_ARGUMENT,
                () -> device.disk().readReportingZeros(4096, ByteBuffer.allocate(8192)));
        assertTrue(outside.getMessage().contains("is outside " + big.unit() + " (8192 bytes)"), outside.getMessage());
        fails(ErrorCode.INVALID_ARGUMENT, () -> device.disk().read(-512, ByteBuffer.allocate(512)));
    }

    @Test
    void secBitsOutsideNineToSixteenAreRejected() throws IOException {
        Path file = image("a.img", 4096);
        for (int bad : new int[] {-1, 1, 8, 17, 64}) {
            EngineException e = fails(ErrorCode.INVALID_ARGUMENT, () -> attach(file, false, bad));
            assertTrue(e.getMessage().contains("sector size exponent " + bad), e.getMessage());
        }
        assertTrue(table.list().isEmpty());
        assertTrue(opened.isEmpty(), "nothing is opened for a bad argument");
    }

    @Test
    void writableAttachOfAnUnwritableFileFailsAndNeverFallsBackToReadOnly() throws IOException {
        Path file = image("locked.img", 4096);
        try (UnwritableFile unwritable = UnwritableFile.of(file)) {
            String name = unwritable.path().toString();
            EngineException e = fails(ErrorCode.READ_ONLY_FILE,
                    () -> table.attach(new AttachRequest(name, false, 0, null)));
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains("for writing"), e.getMessage());
            assertTrue(table.list().isEmpty());

            DeviceInfo readOnly = table.attach(new AttachRequest(name, true, 0, null));
            assertTrue(readOnly.readOnly());
            table.detach(readOnly.unit(), false);
        }
    }

    @Test
    void anOpenerThatFallsBackToReadOnlyIsRefused() throws IOException {
        Path file = image("a.img", 4096);
        RawFileDisk[] sneaky = new RawFileDisk[1];
        try (DeviceTable lenient = new DeviceTable((path, readOnly) -> sneaky[0] = new RawFileDisk(path, true))) {
            fails(ErrorCode.READ_ONLY_FILE, () -> lenient.attach(new AttachRequest(file.toString(), false, 0, null)));
            assertEquals(1, sneaky[0].closes.get(), "the wrongly opened image is closed again");
        }
    }

    @Test
    void aReadOnlyDeviceRefusesWritesAndLeavesTheFileAlone() throws IOException {
        Path file = image("a.img", 8192);
        byte[] before = Files.readAllBytes(file);
        Device device = table.find(attach(file, true, 0).unit()).orElseThrow();
        assertTrue(device.readOnly());
        fails(ErrorCode.READ_ONLY_FILE, () -> device.disk().write(0, ByteBuffer.allocate(512)));
        fails(ErrorCode.READ_ONLY_FILE, () -> device.disk().writeZeroes(0, 512, true));
        fails(ErrorCode.READ_ONLY_FILE, () -> device.disk().discard(0, 512));
        ByteBuffer read = ByteBuffer.allocate(512);
        device.disk().read(512, read);
        assertArrayEquals(java.util.Arrays.copyOfRange(before, 512, 1024), read.array());
        table.detach(device.unit(), false);
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void aWritableDeviceWritesThroughAndDetachFlushesAndCloses() throws IOException {
        Path file = image("a.img", 8192);
        Device device = table.find(attach(file, false, 0).unit()).orElseThrow();
        device.disk().write(1024, ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        RawFileDisk disk = opened.get(file.toAbsolutePath().normalize());
        table.detach(device.unit(), false);
        assertEquals(1, disk.flushes.get());
        assertEquals(1, disk.closes.get());
        assertEquals(1, Files.readAllBytes(file)[1024]);
        assertTrue(table.find(device.unit()).isEmpty());
    }

    @Test
    void theImageLockRulesApplyInsideTheTable() throws IOException {
        Path file = image("a.img", 4096);
        Path link = dir.resolve("link.img");
        Files.createLink(link, file);
        DeviceInfo writer = attach(file, false, 0);
        EngineException twice = fails(ErrorCode.IN_USE, () -> attach(file, false, 0));
        assertTrue(twice.getMessage().contains(writer.unit()), twice.getMessage());
        fails(ErrorCode.IN_USE, () -> attach(link, false, 0));
        fails(ErrorCode.IN_USE, () -> attach(file, true, 0));
        assertEquals(1, opened.size(), "a refused attach does not even open the file");
        table.detach(writer.unit(), false);

        attach(file, true, 0);
        attach(link, true, 9);
        fails(ErrorCode.IN_USE, () -> attach(file, false, 0));
    }

    @Test
    void explicitUnitNamesAreCheckedAndMustBeFree() throws IOException {
        Path a = image("a.img", 4096);
        Path b = image("b.img", 4096);
        assertEquals("qcow7", table.attach(new AttachRequest(a.toString(), true, 0, "qcow7")).unit());
        assertEquals("my-disk_1.0", table.attach(new AttachRequest(a.toString(), true, 0, "my-disk_1.0")).unit());
        EngineException taken = fails(ErrorCode.BUSY, () -> table.attach(new AttachRequest(b.toString(), true, 0, "qcow7")));
        assertTrue(taken.getMessage().contains("qcow7 is already attached to " + a), taken.getMessage());
        for (String bad : new String[] {"", "qcow01", "qcow-1x/", "../etc", "-x", ".hidden", "a b", "x".repeat(65), "é"}) {
            fails(ErrorCode.INVALID_ARGUMENT, () -> table.attach(new AttachRequest(b.toString(), true, 0, bad)));
        }
        assertEquals("qcow0", attach(b, true, 0).unit());
    }

    @Test
    void missingFilesAndUnknownUnitsGetClearErrors() throws IOException {
        EngineException missing = fails(ErrorCode.IO, () -> attach(dir.resolve("nope.img"), false, 0));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
        fails(ErrorCode.NOT_ATTACHED, () -> table.detach("qcow0", false));
        fails(ErrorCode.NOT_ATTACHED, () -> table.fname("qcow0"));
        fails(ErrorCode.NOT_ATTACHED, () -> table.stat("qcow0"));
        fails(ErrorCode.INVALID_ARGUMENT, () -> table.attach(new AttachRequest("", false, 0, null)));
    }

    @Test
    void detachIsRefusedAsBusyWhileAClientHoldsTheDevice() throws IOException {
        Device device = table.find(attach(image("a.img", 4096), false, 0).unit()).orElseThrow();
        Device.ClientLease first = device.connect(() -> fail("no forced close without force"));
        Device.ClientLease second = device.connect(() -> fail("no forced close without force"));
        EngineException busy = fails(ErrorCode.BUSY, () -> table.detach("qcow0", false));
        assertTrue(busy.getMessage().contains("device busy (2 clients connected)"), busy.getMessage());
        assertEquals(2, table.list().get(0).clients());
        first.close();
        first.close();
        assertEquals(1, table.list().get(0).clients(), "closing a lease twice releases it once");
        fails(ErrorCode.BUSY, () -> table.detach("qcow0", false));
        second.close();
        table.detach("qcow0", false);
        fails(ErrorCode.NOT_ATTACHED, () -> device.connect(() -> { }));
    }

    @Test
    void forceDisconnectsTheClientsThenFlushesAndCloses() throws Exception {
        Path file = image("a.img", 4096);
        Device device = table.find(attach(file, false, 0).unit()).orElseThrow();
        AtomicInteger forcedCloses = new AtomicInteger();
        ExecutorService clients = Executors.newCachedThreadPool();
        try {
            for (int i = 0; i < 3; i++) {
                Device.ClientLease[] lease = new Device.ClientLease[1];
                lease[0] = device.connect(() -> {
                    forcedCloses.incrementAndGet();
                    // like a connection thread: finishes its in-flight request a little later, then lets go
                    clients.submit(() -> {
                        Thread.sleep(100);
                        lease[0].close();
                        return null;
                    });
                });
            }
            RawFileDisk disk = opened.get(file.toAbsolutePath().normalize());
            table.detach("qcow0", true);
            assertEquals(3, forcedCloses.get());
            assertEquals(1, disk.flushes.get());
            assertEquals(1, disk.closes.get());
            assertTrue(table.list().isEmpty());
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void aForcedDetachWhoseClientsHangGivesUpAndKeepsTheDevice() throws IOException {
        Device device = table.find(attach(image("a.img", 4096), false, 0).unit()).orElseThrow();
        AtomicInteger asked = new AtomicInteger();
        Device.ClientLease stubborn = device.connect(asked::incrementAndGet);
        long start = System.nanoTime();
        EngineException e = fails(ErrorCode.BUSY, () -> table.detach("qcow0", true));
        assertTrue(System.nanoTime() - start >= Duration.ofSeconds(2).toNanos() - 50_000_000L);
        assertTrue(e.getMessage().contains("did not disconnect within 2 s"), e.getMessage());
        assertEquals(1, table.list().get(0).clients());
        fails(ErrorCode.BUSY, () -> table.detach("qcow0", true));
        assertEquals(1, asked.get(), "a client is asked to close once");
        stubborn.close();
        table.detach("qcow0", false);
    }

    @Test
    void connectAndDetachRaceWithoutEverBothWinning() throws Exception {
        Path file = image("a.img", 4096);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            int detachedFirst = 0;
            int connectedFirst = 0;
            for (int round = 0; round < 300; round++) {
                Device device = table.find(attach(file, false, 0).unit()).orElseThrow();
                CountDownLatch go = new CountDownLatch(1);
                Future<Device.ClientLease> connect = pool.submit(() -> {
                    go.await();
                    try {
                        return device.connect(() -> { });
                    } catch (EngineException e) {
                        assertEquals(ErrorCode.NOT_ATTACHED, e.code());
                        return null;
                    }
                });
                Future<Boolean> detach = pool.submit(() -> {
                    go.await();
                    try {
                        table.detach(device.unit(), false);
                        return true;
                    } catch (EngineException e) {
                        assertEquals(ErrorCode.BUSY, e.code());
                        return false;
                    }
                });
                go.countDown();
                Device.ClientLease lease = connect.get(5, TimeUnit.SECONDS);
                boolean detached = detach.get(5, TimeUnit.SECONDS);
                assertTrue(detached != (lease != null), "exactly one of connect and detach wins");
                if (lease != null) {
                    connectedFirst++;
                    lease.close();
                    table.detach(device.unit(), false);
                } else {
                    detachedFirst++;
                }
            }
            assertEquals(300, detachedFirst + connectedFirst);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fnameIsExactlyTheStringGivenAtAttach() throws IOException {
        image("rel.img", 4096);
        String relative = "./sub/../rel.img";
        Files.createDirectories(dir.resolve("sub"));
        DeviceInfo info = table.attach(new AttachRequest(relative, true, 0, null, dir));
        assertEquals(relative, table.fname(info.unit()));
        assertEquals(relative, info.fileName());
        assertEquals(relative, table.find(info.unit()).orElseThrow().fileName());
    }

    @Test
    void statIsTheOpenFilesFstatAlsoAfterRenameAndReplace() throws IOException {
        Path file = image("a.img", 10_000);
        DeviceInfo info = attach(file, false, 0);
        assertStatMatches(file, table.stat(info.unit()));

        Path moved = dir.resolve("moved.img");
        Files.move(file, moved);
        assertStatMatches(moved, table.stat(info.unit()));

        Files.write(file, new byte[123]);
        FileStat afterReplace = table.stat(info.unit());
        assertStatMatches(moved, afterReplace);
        assertFalse(afterReplace.size() == 123);
        assertEquals(file.toString(), table.fname(info.unit()), "fname stays the string given");
    }

    @Test
    void statFollowsItsFileWhenOtherDescriptorsComeAndGo() throws IOException {
        Path a = image("a.img", 4096);
        Path b = image("b.img", 8192);
        DeviceInfo first = attach(a, true, 0);
        DeviceInfo second = attach(a, true, 0);
        table.stat(second.unit());
        // the descriptor found for the second unit may be the first's: closing it must not confuse the second
        table.detach(first.unit(), false);
        attach(b, true, 0);
        assertStatMatches(a, table.stat(second.unit()));
    }

    /** Compares with stat(1): %d %i %f %h %u %g %s %b %B %X %Y %Z. */
    static void assertStatMatches(Path file, FileStat stat) {
        String[] f = qcowdesk.testkit.Peers.ok("stat", "-c", "%d %i %f %h %u %g %s %b %B %X %Y %Z %o", file.toString())
                .stdout().trim().split(" ");
        assertEquals(Long.parseLong(f[0]), stat.dev(), "dev");
        assertEquals(Long.parseLong(f[1]), stat.ino(), "ino");
        assertEquals(Integer.parseInt(f[2], 16), stat.mode(), "mode");
        assertEquals(Long.parseLong(f[3]), stat.nlink(), "nlink");
        assertEquals(Integer.parseInt(f[4]), stat.uid(), "uid");
        assertEquals(Integer.parseInt(f[5]), stat.gid(), "gid");
        assertEquals(Long.parseLong(f[6]), stat.size(), "size");
        assertEquals(Long.parseLong(f[7]) * Long.parseLong(f[8]) / 512, stat.blocks(), "blocks");
        assertEquals(Long.parseLong(f[9]), stat.atime().seconds(), "atime");
        assertEquals(Long.parseLong(f[10]), stat.mtime().seconds(), "mtime");
        assertEquals(Long.parseLong(f[11]), stat.ctime().seconds(), "ctime");
        assertEquals(Integer.parseInt(f[12]), stat.blksize(), "blksize");
    }

    @Test
    void listenersSeeTheDeviceLifecycleInOrder() throws Exception {
        BlockingQueue<DeviceEvent> events = new LinkedBlockingQueue<>();
        AtomicInteger brokenCalls = new AtomicInteger();
        // subscribed first, so it has seen each event by the time the queue receives it
        Subscription broken = table.subscribe(event -> {
            brokenCalls.incrementAndGet();
            throw new IllegalStateException("deliberately broken listener");
        });
        Subscription subscription = table.subscribe(events::add);
        Path file = image("a.img", 4096);
        DeviceInfo info = attach(file, false, 0);
        Device device = table.find(info.unit()).orElseThrow();
        Device.ClientLease lease = device.connect(() -> { });
        AllocationEvent allocation = new AllocationEvent(0, 65536, true, 262144);
        opened.get(file.toAbsolutePath().normalize()).announce(allocation);
        lease.close();
        table.detach(info.unit(), false);

        assertEquals(new DeviceEvent.Attached(info), next(events));
        assertEquals(new DeviceEvent.ClientConnected("qcow0", 1), next(events));
        assertEquals(new DeviceEvent.ClustersAllocated("qcow0", allocation), next(events));
        assertEquals(new DeviceEvent.ClientDisconnected("qcow0", 0), next(events));
        assertEquals(new DeviceEvent.Detached("qcow0", file.toString(), false), next(events));

        assertEquals(5, brokenCalls.get(), "a listener that throws still gets every event");
        subscription.close();
        broken.close();
        attach(file, false, 0);
        assertEquals(null, events.poll(200, TimeUnit.MILLISECONDS), "no events after unsubscribing");
    }

    private static DeviceEvent next(BlockingQueue<DeviceEvent> events) throws InterruptedException {
        DeviceEvent event = events.poll(5, TimeUnit.SECONDS);
        assertNotNull(event, "event expected");
        return event;
    }

    @Test
    void closingTheTableDetachesEverythingAndRefusesNewAttaches() throws IOException {
        Path a = image("a.img", 4096);
        Path b = image("b.img", 4096);
        attach(a, false, 0);
        Device device = table.find(attach(b, false, 0).unit()).orElseThrow();
        Device.ClientLease[] lease = new Device.ClientLease[1];
        lease[0] = device.connect(() -> lease[0].close());
        table.close();
        assertTrue(table.list().isEmpty());
        assertEquals(1, opened.get(a.toAbsolutePath().normalize()).closes.get());
        assertEquals(1, opened.get(b.toAbsolutePath().normalize()).closes.get());
        EngineException e = fails(ErrorCode.IO, () -> attach(a, false, 0));
        assertInstanceOf(EngineException.class, e);
    }
}
