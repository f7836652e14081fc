package qcowdesk.engine.qcow2;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Seeded random sequences of writes, write-zeroes and discards, checked against an in-memory model after every
 * step; at the end qemu-img check must find no errors and no leaks, and qemu-img compare must find the image
 * identical to the model.
 */
class Qcow2RandomWriteTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} backing={1}")
    @CsvSource({
            "'cluster_size=512,refcount_bits=1', none",
            "'cluster_size=4096', none",
            "'cluster_size=65536,refcount_bits=64', none",
            "'cluster_size=2M', none",
            "'compat=0.10,cluster_size=4096', none",
            "'compat=0.10,cluster_size=4096', qcow2",
            "'cluster_size=16384,extended_l2=on', none",
            "'cluster_size=65536,extended_l2=on,refcount_bits=16', raw",
            "'cluster_size=4096,refcount_bits=64', qcow2",
            "'cluster_size=1024,refcount_bits=16,lazy_refcounts=on', raw",
            "'cluster_size=2M,extended_l2=on', qcow2",
    })
    void randomOperationsMatchTheModel(String options, String backingFormat) throws IOException {
        long seed = (options + backingFormat).hashCode();
        Random random = new Random(seed);
        int clusterSize = clusterSizeOf(options);
        long size = Math.max(1 << 20, 5L * clusterSize) - 512 * 3;
        Path img = dir.resolve("disk.qcow2");
        byte[] backing = new byte[(int) size];
        if (backingFormat.equals("none")) {
            Qemu.create(img, options, size);
        } else {
            Path base = dir.resolve("base." + backingFormat);
            Peers.ok("qemu-img", "create", "-q", "-f", backingFormat, base.toString(), Long.toString(size - 4096));
            Qemu.io(backingFormat, base, "write -P 0x5a 0 " + (size / 2), "write -P 0xa5 " + (size / 2 + 8192) + " 64k");
            Arrays.fill(backing, 0, (int) (size / 2), (byte) 0x5a);
            Arrays.fill(backing, (int) (size / 2 + 8192), (int) (size / 2 + 8192 + 65536), (byte) 0xa5);
            Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", backingFormat, "-o",
                    options, img.toString(), Long.toString(size));
        }
        boolean v2 = options.contains("compat=0.10");
        DiskModel model = new DiskModel(backing, clusterSize, v2 && !backingFormat.equals("none"));
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite())) {
            for (int step = 0; step < 150; step++) {
                long[] range = randomRange(random, size, clusterSize);
                long offset = range[0];
                long length = range[1];
                int op = random.nextInt(10);
                if (op < 6) {
                    byte[] data = new byte[(int) length];
                    random.nextBytes(data);
                    if (random.nextBoolean()) {
                        Arrays.fill(data, (byte) (step + 1));
                    }
                    image.write(offset, ByteBuffer.wrap(data));
                    model.write(offset, data);
                } else if (op < 8) {
                    image.writeZeroes(offset, length, random.nextBoolean());
                    model.zero(offset, length);
                } else {
                    image.discard(offset, length);
                    model.discard(offset, length);
                }
                if (random.nextInt(20) == 0) {
                    image.flush();
                }
                assertRange(image, model, offset, length, "step " + step);
                long[] probe = randomRange(random, size, clusterSize);
                assertRange(image, model, probe[0], probe[1], "probe after step " + step);
            }
            assertArrayEquals(model.bytes, Qcow2ReadTest.readAll(image), "whole disk");
        }
        Qemu.checkClean(img);
        Path raw = dir.resolve("model.raw");
        Files.write(raw, model.bytes);
        Qemu.compareIdentical(img, raw);
    }

    static int clusterSizeOf(String options) {
        for (String o : options.split(",")) {
            if (o.startsWith("cluster_size=")) {
                String v = o.substring("cluster_size=".length());
                return v.endsWith("M") ? Integer.parseInt(v.substring(0, v.length() - 1)) << 20 : Integer.parseInt(v);
            }
        }
        return 65536;
    }

    /** Random ranges: unaligned, spanning clusters, sometimes whole clusters, sometimes at the last sector. */
    static long[] randomRange(Random random, long size, int clusterSize) {
        switch (random.nextInt(5)) {
            case 0: {
                long len = 1 + random.nextInt(512);
                return new long[]{size - len, len};
            }
            case 1: {
                long clusters = size / clusterSize;
                long start = random.nextInt((int) clusters) * (long) clusterSize;
                long len = Math.min(size - start, (1 + random.nextInt(3)) * (long) clusterSize);
                return new long[]{start, len};
            }
            default: {
                long start = (long) (random.nextDouble() * (size - 1));
                long len = 1 + random.nextInt((int) Math.min(size - start, 3L * clusterSize + 1000));
                return new long[]{start, len};
            }
        }
    }

    static void assertRange(Qcow2Image image, DiskModel model, long offset, long length, String what)
            throws IOException {
        byte[] actual = new byte[(int) length];
        image.read(offset, ByteBuffer.wrap(actual));
        byte[] expected = Arrays.copyOfRange(model.bytes, (int) offset, (int) (offset + length));
        if (!Arrays.equals(expected, actual)) {
            int i = Arrays.mismatch(expected, actual);
            throw new AssertionError(what + ": range [" + offset + ", +" + length + ") differs at guest offset "
                    + (offset + i) + ": expected " + expected[i] + " but read " + actual[i]);
        }
    }
}
