package qcowdesk.engine.qcow2;

import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.format.HeaderExtension;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Header write-back, compressed overwrite, external data files, events and a huge sparse disk. */
class Qcow2WriteFeaturesTest {

    @TempDir
    Path dir;

    @Test
    void headerRewritePreservesUnknownExtensionsAndQemuAcceptsIt() throws IOException {
        Path base = dir.resolve("base.qcow2");
        Qemu.create(base, "", 1 << 20);
        Path img = dir.resolve("h.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", img.toString(), "1M");
        HeaderExtension unknown = new HeaderExtension(0x12345678, "kept verbatim".getBytes(StandardCharsets.UTF_8));
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Qcow2Header h = HeaderFile.read(ch);
            List<HeaderExtension> exts = new ArrayList<>(h.extensions());
            exts.add(unknown);
            Qcow2Header withUnknown = new Qcow2Header(h.version(), h.backingFileOffset(), h.backingFileSize(),
                    h.clusterBits(), h.size(), h.cryptMethod(), h.l1Size(), h.l1TableOffset(),
                    h.refcountTableOffset(), h.refcountTableClusters(), h.nbSnapshots(), h.snapshotsOffset(),
                    h.incompatibleFeatures(), h.compatibleFeatures(), h.autoclearFeatures(), h.refcountOrder(),
                    h.headerLength(), h.compressionType(), h.unknownHeaderFields(), exts, h.backingFile());
            Qcow2Header written = HeaderFile.write(ch, withUnknown);
            assertEquals(written, HeaderFile.read(ch));
        }
        Qemu.checkClean(img);
        Qemu.io("qcow2", img, "write -P 7 0 4k");
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite())) {
            image.write(8192, ByteBuffer.wrap(new byte[]{9}));
            assertTrue(image.header().extensions().contains(unknown), "QEMU or we dropped the unknown extension");
            assertEquals("qcow2", image.header().backingFormat().orElseThrow());
            assertEquals("base.qcow2", image.header().backingFile());
        }
        Qemu.checkClean(img);
    }

    @Test
    void overwritingCompressedClustersMovesThem() throws IOException {
        Path src = dir.resolve("src.raw");
        byte[] data = new byte[1 << 20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i / 1000);
        }
        Files.write(src, data);
        Path img = dir.resolve("z.qcow2");
        Peers.ok("qemu-img", "convert", "-c", "-f", "raw", "-O", "qcow2", "-o", "compression_type=zstd,cluster_size=4096",
                src.toString(), img.toString());
        Random random = new Random(3);
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite())) {
            for (int i = 0; i < 60; i++) {
                int off = random.nextInt(data.length - 5000);
                byte[] patch = new byte[1 + random.nextInt(5000)];
                random.nextBytes(patch);
                image.write(off, ByteBuffer.wrap(patch));
                System.arraycopy(patch, 0, data, off, patch.length);
            }
            image.discard(65536, 65536);
            Arrays.fill(data, 65536, 131072, (byte) 0);
            assertArrayEquals(data, Qcow2ReadTest.readAll(image));
        }
        Qemu.checkClean(img);
        Files.write(src, data);
        Qemu.compareIdentical(img, src);
    }

    @Test
    void writesGoToTheExternalDataFile() throws IOException {
        Path img = dir.resolve("e.qcow2");
        Path dataFile = dir.resolve("e.data");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "data_file=" + dataFile + ",data_file_raw=on",
                img.toString(), "2M");
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite())) {
            byte[] a = new byte[70_000];
            Arrays.fill(a, (byte) 0x3c);
            image.write(5000, ByteBuffer.wrap(a));
            image.writeZeroes(20_000, 10_000, true);
        }
        Qemu.checkClean(img);
        Qemu.io("qcow2", img, "read -P 0x3c 5000 15000", "read -P 0 20000 10000", "read -P 0x3c 30000 45000");
        byte[] raw = Files.readAllBytes(dataFile);
        assertEquals(0x3c, raw[5000]); // raw data file: guest offset == file offset
    }

    @Test
    void allocationEventsAreBatchedPerOperation() throws IOException {
        Path img = dir.resolve("ev.qcow2");
        Qemu.create(img, "cluster_size=4096", 1 << 20);
        List<AllocationEvent> seen = new ArrayList<>();
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite())) {
            try (VirtualDisk.Subscription ignored = image.onAllocation(seen::add)) {
                image.write(1000, ByteBuffer.allocate(20_000));
                image.write(2000, ByteBuffer.allocate(10)); // in place: no event
                image.discard(0, 1 << 20);
            }
            image.write(500_000, ByteBuffer.allocate(10)); // unsubscribed
        }
        assertEquals(2, seen.size(), seen.toString());
        assertEquals(new AllocationEvent(0, 6 * 4096, true, seen.get(0).fileSize()), seen.get(0));
        assertFalse(seen.get(1).allocated());
        assertEquals(6 * 4096, seen.get(1).length());
    }

    @Test
    void terabyteSparseDiskWithRandomWritesStaysBounded() throws IOException {
        Path img = dir.resolve("big.qcow2");
        long size = 1L << 40;
        Qemu.create(img, "", size);
        Random random = new Random(11);
        long[] offsets = new long[120];
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite().withL2CacheBytes(8 * 65536))) {
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = (long) (random.nextDouble() * (size - 4096));
                image.write(offsets[i], ByteBuffer.wrap(pattern(i)));
            }
            for (int i = 0; i < offsets.length; i++) {
                byte[] back = new byte[4096];
                image.read(offsets[i], ByteBuffer.wrap(back));
                assertArrayEquals(pattern(i), back, "write " + i);
            }
            int[] usage = image.l2CacheUsage();
            assertTrue(usage[0] <= usage[1] && usage[1] == 8, Arrays.toString(usage));
            List<MapEntry> map = image.map(0, size);
            assertEquals(offsets.length, map.stream().filter(MapEntry::data).count(), "data extents");
            assertTrue(image.fileSize() < 40L << 20, "file grew to " + image.fileSize());
        }
        Qemu.checkClean(img);
        Qemu.io("qcow2", img, "read -P 7 " + offsets[7] + " 4096");
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite().withL2CacheBytes(8 * 65536))) {
            long start = System.nanoTime();
            image.writeZeroes(0, size, false); // whole-disk zeroing as NBD clients do
            image.discard(0, size);
            assertEquals(0, image.map(0, size).stream().filter(MapEntry::data).count());
            assertTrue(System.nanoTime() - start < 20_000_000_000L, "zeroing a sparse 1 TiB disk took too long");
        }
        Qemu.checkClean(img);
        Qemu.io("qcow2", img, "read -P 0 " + offsets[7] + " 4096");
    }

    private static byte[] pattern(int i) {
        byte[] b = new byte[4096];
        Arrays.fill(b, (byte) i);
        return b;
    }
}
