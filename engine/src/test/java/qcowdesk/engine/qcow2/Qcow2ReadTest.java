package qcowdesk.engine.qcow2;

import qcowdesk.engine.MapEntry;
import qcowdesk.engine.ZeroRun;
import qcowdesk.engine.qcow2.format.L1Entry;
import qcowdesk.engine.qcow2.format.L2Entry;
import qcowdesk.engine.qcow2.format.SubclusterType;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read path against images written by qemu-io and qemu-img, compared with qemu-img convert -O raw. */
class Qcow2ReadTest {

    @TempDir
    Path dir;

    /** Reads the whole disk in uneven chunks (to cross cluster and subcluster boundaries). */
    static byte[] readAll(Qcow2Image image) throws IOException {
        byte[] all = new byte[(int) image.size()];
        int pos = 0;
        int step = 7 * 1024 + 13;
        while (pos < all.length) {
            int n = Math.min(step, all.length - pos);
            image.read(pos, ByteBuffer.wrap(all, pos, n));
            pos += n;
        }
        return all;
    }

    private void assertReadsLikeQemu(Path image) throws IOException {
        Path raw = dir.resolve(image.getFileName() + ".raw");
        Qemu.convertToRaw(image, raw);
        try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.readOnly())) {
            byte[] expected = Files.readAllBytes(raw);
            assertArrayEquals(expected, readAll(img), "guest data of " + image);
            assertOnePassReadMatchesMap(img, expected);
        }
    }

    /**
     * The image's public reads check their range (the app and the tools call them directly); the unchecked ones,
     * which the NBD server uses after its own check, read zeros past the end instead of failing.
     */
    @Test
    void readsOutsideTheDiskFailClearly() throws Exception {
        Path image = dir.resolve("small.qcow2");
        Qemu.create(image, "", 1 << 20);
        try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.readOnly())) {
            for (long offset : new long[] {1 << 20, (1 << 20) - 512, -512}) {
                qcowdesk.engine.EngineException e = org.junit.jupiter.api.Assertions.assertThrows(
                        qcowdesk.engine.EngineException.class, () -> img.read(offset, ByteBuffer.allocate(1024)));
                assertEquals(qcowdesk.engine.ErrorCode.INVALID_ARGUMENT, e.code());
                assertTrue(e.getMessage().contains("is outside the disk (1048576 bytes)"), e.getMessage());
                org.junit.jupiter.api.Assertions.assertThrows(qcowdesk.engine.EngineException.class,
                        () -> img.readReportingZeros(offset, ByteBuffer.allocate(1024)));
            }
            ByteBuffer tail = ByteBuffer.allocate(1024);
            assertEquals(List.of(new ZeroRun((1 << 20) - 512, 1024)),
                    img.readReportingZerosUnchecked((1 << 20) - 512, tail));
        }
    }

    /** The one-pass read returns the same bytes, and as zero runs exactly the zero extents of the map. */
    private static void assertOnePassReadMatchesMap(Qcow2Image img, byte[] expected) throws IOException {
        byte[] data = new byte[(int) img.size()];
        List<ZeroRun> runs = img.readReportingZeros(0, ByteBuffer.wrap(data));
        assertArrayEquals(expected, data, "one-pass read");
        List<ZeroRun> fromMap = new ArrayList<>();
        for (MapEntry e : img.map(0, img.size())) {
            if (!e.zero()) {
                continue;
            }
            ZeroRun last = fromMap.isEmpty() ? null : fromMap.get(fromMap.size() - 1);
            if (last != null && last.end() == e.start()) {
                fromMap.set(fromMap.size() - 1, new ZeroRun(last.offset(), e.end() - last.offset()));
            } else {
                fromMap.add(new ZeroRun(e.start(), e.length()));
            }
        }
        assertEquals(fromMap, runs, "zero runs of the one-pass read");
    }

    private static final String[] WRITES = {
            "write -P 0x11 0 4k", "write -P 0x22 65024 3000", "write -z 200k 70k", "write -P 0x33 300k 100k",
            "discard 320k 64k", "write -P 0x44 1020k 3k", "write -z -u 512k 64k"};

    @ParameterizedTest
    @ValueSource(strings = {"compat=0.10,cluster_size=512", "compat=0.10", "cluster_size=512,refcount_bits=1",
            "cluster_size=4096", "cluster_size=65536,refcount_bits=64", "cluster_size=2M",
            "extended_l2=on,cluster_size=64k", "extended_l2=on,cluster_size=2M", "lazy_refcounts=on"})
    void readsWhatQemuWrote(String options) throws IOException {
        Path img = dir.resolve("a.qcow2");
        Qemu.create(img, options, 1024 * 1024 - 512);
        Qemu.io("qcow2", img, WRITES);
        assertReadsLikeQemu(img);
    }

    @ParameterizedTest
    @ValueSource(strings = {"zlib", "zstd"})
    void readsCompressedClusters(String type) throws IOException {
        Path src = dir.resolve("src.raw");
        byte[] data = new byte[3 * 1024 * 1024 + 1000];
        Random r = new Random(7);
        for (int i = 0; i < data.length; i += 4096) {
            byte v = (byte) r.nextInt(4);
            for (int j = i; j < Math.min(data.length, i + 2048); j++) {
                data[j] = v == 0 ? (byte) r.nextInt() : v;
            }
        }
        Files.write(src, data);
        Path img = dir.resolve("c.qcow2");
        Peers.ok("qemu-img", "convert", "-c", "-f", "raw", "-O", "qcow2", "-o", "compression_type=" + type
                + ",cluster_size=4096", src.toString(), img.toString());
        Qemu.io("qcow2", img, "write -P 0x55 8k 1k");
        assertReadsLikeQemu(img);
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readOnly())) {
            assertTrue(image.map(0, image.size()).stream().anyMatch(MapEntry::compressed));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qcow2", "raw"})
    void readsThroughBackingChains(String backingFormat) throws IOException {
        Path base = dir.resolve("base." + backingFormat);
        if (backingFormat.equals("raw")) {
            Peers.ok("qemu-img", "create", "-q", "-f", "raw", base.toString(), "600k");
        } else {
            Qemu.create(base, "cluster_size=4096", 600 * 1024);
        }
        Qemu.io(backingFormat, base, "write -P 0x61 0 600k");
        Path mid = dir.resolve("mid.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.getFileName().toString(), "-F", backingFormat,
                "-o", "extended_l2=on,cluster_size=16k", mid.toString(), "800k");
        Qemu.io("qcow2", mid, "write -P 0x62 10k 3k", "write -z 100k 64k", "write -P 0x63 590k 20k");
        Path top = dir.resolve("top.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", top.toString(), "1M");
        Qemu.io("qcow2", top, "write -P 0x64 12k 1k", "discard 192k 64k");
        assertReadsLikeQemu(top);
        assertReadsLikeQemu(mid);
    }

    @Test
    void readsExternalDataFile() throws IOException {
        Path img = dir.resolve("ext.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "data_file=" + dir.resolve("ext.data") + ",cluster_size=4096",
                img.toString(), "1M");
        Qemu.io("qcow2", img, "write -P 0x71 0 8k", "write -P 0x72 500k 10k", "write -z 8k 4k");
        assertReadsLikeQemu(img);
    }

    @Test
    void oddVirtualSizeAndMap() throws IOException {
        Path img = dir.resolve("odd.qcow2");
        Qemu.create(img, "cluster_size=65536", 100_000 + 512);
        Qemu.io("qcow2", img, "write -P 0x12 65536 34000", "write -z 0 4096");
        assertReadsLikeQemu(img);
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readOnly())) {
            List<MapEntry> map = image.map(0, image.size());
            assertEquals(image.size(), map.get(map.size() - 1).end());
            assertEquals(new MapEntry(0, 65536, 0, true, true, false, false, MapEntry.NO_OFFSET), map.get(0));
            assertTrue(map.get(1).data() && map.get(1).present() && map.get(1).hostOffset() > 0);
        }
    }

    @Test
    void metadataAccessForWalkers() throws IOException {
        Path img = dir.resolve("walk.qcow2");
        Qemu.create(img, "cluster_size=4096,refcount_bits=8", 1 << 20);
        Qemu.io("qcow2", img, "write -P 1 8192 4096");
        for (OpenOptions mode : new OpenOptions[]{OpenOptions.readOnly(), OpenOptions.readWrite()}) {
            try (Qcow2Image image = Qcow2Image.open(img, mode)) {
                assertEquals(1, image.refcount(0), "header cluster");
                long l1Entry = longAt(img, image.header().l1TableOffset());
                long l2 = L1Entry.offset(l1Entry);
                assertTrue(L1Entry.isCopied(l1Entry));
                assertEquals(1, image.refcount(l2 / 4096), "L2 table");
                long data = longAt(img, l2 + 2 * L2Entry.ENCODED_LENGTH);
                assertTrue(L2Entry.isCopied(data) && L2Entry.offset(data) > 0);
                assertEquals(1, image.refcount(L2Entry.offset(data) / 4096), "data cluster");
                assertEquals(0, image.refcount(10_000), "past the end");
                assertEquals(SubclusterType.NORMAL, image.subclusterType(8192));
                assertEquals(SubclusterType.UNALLOCATED_PLAIN, image.subclusterType(0));
            }
        }
    }

    private static long longAt(Path file, long offset) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            return FileIo.read(ch, java.nio.ByteBuffer.allocate(8), offset).getLong();
        }
    }
}
