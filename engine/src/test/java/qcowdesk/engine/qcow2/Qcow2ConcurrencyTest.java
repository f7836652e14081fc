package qcowdesk.engine.qcow2;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import qcowdesk.testkit.Qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many threads reading and writing disjoint (cluster-sharing, unaligned) ranges of one image at once. */
class Qcow2ConcurrencyTest {

    @TempDir
    Path dir;

    @Test
    void disjointConcurrentWritersAndReaders() throws Exception {
        Path img = dir.resolve("conc.qcow2");
        long size = 8L << 20;
        int clusterSize = 4096;
        Qemu.create(img, "cluster_size=4096", size);
        int threads = 8;
        long region = size / threads - 777; // unaligned regions: neighbours share clusters
        DiskModel model = new DiskModel(new byte[(int) size], clusterSize, false);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite().withL2CacheBytes(16 * 4096))) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long base = t * (size / threads) + 333;
                int seed = t;
                done.add(pool.submit(() -> {
                    exercise(image, model, new Random(seed), base, region, clusterSize);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
            assertArrayEquals(model.bytes, Qcow2ReadTest.readAll(image));
            int[] usage = image.l2CacheUsage();
            assertTrue(usage[0] <= usage[1], "L2 cache holds " + usage[0] + " tables, capacity " + usage[1]);
        } finally {
            pool.shutdownNow();
        }
        Qemu.checkClean(img);
        Path raw = dir.resolve("conc.raw");
        Files.write(raw, model.bytes);
        Qemu.compareIdentical(img, raw);
    }

    private static void exercise(Qcow2Image image, DiskModel model, Random random, long base, long region,
                                 int clusterSize) throws IOException {
        for (int i = 0; i < 250; i++) {
            long off = base + (long) (random.nextDouble() * (region - 1));
            long len = 1 + random.nextInt((int) Math.min(base + region - off, 3L * clusterSize));
            switch (random.nextInt(8)) {
                case 0 -> {
                    image.writeZeroes(off, len, random.nextBoolean());
                    synchronized (model) {
                        model.zero(off, len);
                    }
                }
                case 1 -> {
                    image.discard(off, len);
                    synchronized (model) {
                        model.discard(off, len);
                    }
                }
                case 2, 3 -> {
                    byte[] expected;
                    synchronized (model) {
                        expected = java.util.Arrays.copyOfRange(model.bytes, (int) off, (int) (off + len));
                    }
                    byte[] actual = new byte[(int) len];
                    image.read(off, ByteBuffer.wrap(actual));
                    assertArrayEquals(expected, actual, "read at " + off);
                }
                default -> {
                    byte[] data = new byte[(int) len];
                    random.nextBytes(data);
                    image.write(off, ByteBuffer.wrap(data));
                    synchronized (model) {
                        model.write(off, data);
                    }
                }
            }
        }
    }
}
