package qcowdesk.engine.qcow2;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images we write are read correctly by QEMU, and what QEMU writes afterwards still reads correctly with us. */
class Qcow2InteropWriteTest {

    @TempDir
    Path dir;

    private static void fill(Qcow2Image image, long offset, int length, int pattern) throws IOException {
        byte[] data = new byte[length];
        Arrays.fill(data, (byte) pattern);
        image.write(offset, ByteBuffer.wrap(data));
    }

    private static void expect(Qcow2Image image, long offset, int length, int pattern) throws IOException {
        byte[] data = new byte[length];
        image.read(offset, ByteBuffer.wrap(data));
        for (int i = 0; i < length; i++) {
            assertEquals((byte) pattern, data[i], "guest offset " + (offset + i));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cluster_size=65536", "compat=0.10,cluster_size=4096", "extended_l2=on,cluster_size=32k",
            "cluster_size=512,refcount_bits=2"})
    void qemuReadsOurWritesAndWeReadQemus(String options) throws IOException {
        Path img = dir.resolve("x.qcow2");
        long size = 3 * 1024 * 1024 + 1536;
        Qemu.create(img, options, size);
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite())) {
            fill(image, 0, 4096, 0x11);
            fill(image, 100_000, 200_000, 0x22);
            fill(image, size - 1536, 1536, 0x33);
            image.writeZeroes(120_000, 70_000, true);
            fill(image, 1_000_000, 5000, 0x44);
            image.discard(2_000_000, 1_000_000);
        }
        Qemu.checkClean(img);
        Qemu.io("qcow2", img, "read -P 0x11 0 4096", "read -P 0x22 100000 20000", "read -P 0 120000 70000",
                "read -P 0x22 190000 110000", "read -P 0x33 " + (size - 1536) + " 1536", "read -P 0x44 1000000 5000",
                "write -P 0x55 4000 1000", "write -z 1001000 2000", "discard 0 64k", "write -P 0x66 2500000 10000");
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite())) {
            expect(image, 1_000_000, 1000, 0x44);
            expect(image, 1_001_000, 2000, 0);
            expect(image, 1_003_000, 2000, 0x44);
            expect(image, 2_500_000, 10000, 0x66);
            expect(image, size - 1536, 1536, 0x33);
            fill(image, 2_505_000, 100, 0x77);
        }
        Qemu.checkClean(img);
        Qemu.io("qcow2", img, "read -P 0x66 2500000 5000", "read -P 0x77 2505000 100", "read -P 0x66 2505100 4900");
    }

    @Test
    void refcountTableGrowsWhenTheFileOutgrowsIt() throws IOException {
        // 512-byte clusters with 64-bit refcounts: one table cluster covers only 2 MiB of file.
        Path img = dir.resolve("grow.qcow2");
        long size = 6L << 20;
        Qemu.create(img, "cluster_size=512,refcount_bits=64", size);
        byte[] model = new byte[(int) size];
        Random random = new Random(42);
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite())) {
            for (long off = 0; off < size; off += 65536) {
                byte[] chunk = new byte[65536];
                random.nextBytes(chunk);
                image.write(off, ByteBuffer.wrap(chunk));
                System.arraycopy(chunk, 0, model, (int) off, chunk.length);
            }
            image.discard(1 << 20, 1 << 20);
            Arrays.fill(model, 1 << 20, 2 << 20, (byte) 0);
            byte[] again = new byte[300_000];
            random.nextBytes(again);
            image.write(1_100_000, ByteBuffer.wrap(again));
            System.arraycopy(again, 0, model, 1_100_000, again.length);
            assertTrue(image.header().refcountTableClusters() > 1, "the refcount table did not grow");
        }
        try (Qcow2Image reopened = Qcow2Image.open(img, OpenOptions.readOnly())) {
            assertTrue(reopened.header().refcountTableClusters() > 1);
        }
        Qemu.checkClean(img);
        Path raw = dir.resolve("grow.raw");
        Files.write(raw, model);
        Qemu.compareIdentical(img, raw);
    }

    @Test
    void writingAnImageWithInternalSnapshotsKeepsTheSnapshots() throws IOException {
        Path img = dir.resolve("snap.qcow2");
        Qemu.create(img, "cluster_size=4096", 2 << 20);
        Qemu.io("qcow2", img, "write -P 0x11 0 2M");
        Peers.ok("qemu-img", "snapshot", "-c", "before", img.toString());
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite())) {
            fill(image, 5000, 300_000, 0x22);
            image.writeZeroes(600_000, 100_000, true);
            image.discard(1 << 20, 256 * 1024);
            fill(image, (1 << 20) + 4096, 100, 0x33);
            expect(image, 0, 5000, 0x11);
            expect(image, 5000, 300_000, 0x22);
        }
        Qemu.checkClean(img);
        Qemu.io("qcow2", img, "read -P 0x11 0 5000", "read -P 0x22 5000 300000", "read -P 0 600000 100000",
                "read -P 0x33 1052672 100", "read -P 0x11 1310720 100000");
        Peers.ok("qemu-img", "snapshot", "-a", "before", img.toString());
        Qemu.io("qcow2", img, "read -P 0x11 0 2M");
        Qemu.checkClean(img);
    }
}
