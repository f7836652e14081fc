package qcowdesk.engine.qcow2;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Snapshots the image file between two of our writes, at many points in a random sequence of operations: each
 * snapshot is what a crash at that instant leaves behind, and qemu-img check must find no corruption in any of
 * them (leaked clusters are allowed).
 */
class Qcow2CrashConsistencyTest {

    @TempDir
    Path dir;

    @AfterEach
    void removeTap() {
        ImageFile.tap = null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cluster_size=4096", "cluster_size=512,refcount_bits=64", "compat=0.10,cluster_size=1024",
            "extended_l2=on,cluster_size=16384,refcount_bits=8"})
    void everyIntermediateStateIsConsistent(String options) throws IOException {
        Path img = dir.resolve("crash.qcow2");
        long size = 3L << 20;
        Qemu.create(img, options, size);
        List<Path> snapshots = new ArrayList<>();
        int[] writes = {0};
        ImageFile.tap = (file, position, data) -> {
            if (file.path().equals(img) && ++writes[0] % 7 == 0 && snapshots.size() < 70) {
                Path copy = dir.resolve("snap-" + snapshots.size() + ".qcow2");
                Files.copy(img, copy);
                snapshots.add(copy);
            }
        };
        runRandomOperations(img, options, size, new Random(options.hashCode()), 120);
        ImageFile.tap = null;
        assertNoCorruption(snapshots);
        Qemu.checkClean(img);
    }

    /**
     * Power loss: writes since the last sync may reach the disk in any order, some not at all. Each crash state is
     * the file as of its last sync plus a random subset of the writes issued after it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cluster_size=4096", "cluster_size=512,refcount_bits=64", "compat=0.10,cluster_size=1024",
            "extended_l2=on,cluster_size=16384"})
    void unsyncedWritesMayBeLostInAnyCombination(String options) throws IOException {
        Path img = dir.resolve("power.qcow2");
        long size = 3L << 20;
        Qemu.create(img, options, size);
        Random random = new Random(~options.hashCode());
        List<Path> states = new ArrayList<>();
        PowerLossRecorder recorder = new PowerLossRecorder(img, random, dir, states);
        ImageFile.tap = recorder;
        runRandomOperations(img, options, size, random, 100);
        ImageFile.tap = null;
        assertNoCorruption(states);
    }

    /**
     * The same power loss with an L2 cache of four tables on a disk that has dozens: dirty tables are written back
     * before any flush because the cache is crowded, not only when the client flushes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cluster_size=512", "compat=0.10,cluster_size=1024", "extended_l2=on,cluster_size=16384"})
    void crowdedCacheWriteBackSurvivesPowerLoss(String options) throws IOException {
        Path img = dir.resolve("crowded.qcow2");
        long size = options.contains("16384") ? 160L << 20 : 3L << 20; // ten L2 tables or more
        Qemu.create(img, options, size);
        Random random = new Random(31L * options.hashCode());
        List<Path> states = new ArrayList<>();
        ImageFile.tap = new PowerLossRecorder(img, random, dir, states);
        int clusterSize = Qcow2RandomWriteTest.clusterSizeOf(options);
        runRandomOperations(img, OpenOptions.readWrite().withL2CacheBytes(4L * clusterSize), options, size, random, 100);
        ImageFile.tap = null;
        assertNoCorruption(states);
        Qemu.checkClean(img);
    }

    private static void runRandomOperations(Path img, String options, long size, Random random, int steps)
            throws IOException {
        runRandomOperations(img, OpenOptions.readWrite(), options, size, random, steps);
    }

    private static void runRandomOperations(Path img, OpenOptions open, String options, long size, Random random,
                                            int steps) throws IOException {
        int clusterSize = Qcow2RandomWriteTest.clusterSizeOf(options);
        try (Qcow2Image image = Qcow2Image.open(img, open)) {
            for (int step = 0; step < steps; step++) {
                long[] r = Qcow2RandomWriteTest.randomRange(random, size, clusterSize);
                switch (random.nextInt(6)) {
                    case 0 -> image.discard(r[0], r[1]);
                    case 1 -> image.writeZeroes(r[0], r[1], random.nextBoolean());
                    case 2 -> image.flush();
                    default -> {
                        byte[] data = new byte[(int) r[1]];
                        random.nextBytes(data);
                        image.write(r[0], ByteBuffer.wrap(data));
                    }
                }
            }
        }
    }

    private static void assertNoCorruption(List<Path> states) {
        assertTrue(states.size() > 20, "only " + states.size() + " crash states");
        for (Path state : states) {
            Peers.Result r = Peers.run("qemu-img", "check", state.toString());
            // 0: clean, 3: leaks only. 2 would be corruption, 1 an image qemu-img cannot even check.
            if (r.exitCode() != 0 && r.exitCode() != 3) {
                fail("crash state " + state.getFileName() + " is corrupt (exit " + r.exitCode() + "):\n"
                        + r.stdout() + r.stderr());
            }
        }
    }

    /** Makes a crash state every five writes. */
    private static final class PowerLossRecorder extends PowerCutTap {
        private final Path dir;
        private final List<Path> states;
        private int writes;

        PowerLossRecorder(Path img, Random random, Path dir, List<Path> states) throws IOException {
            super(img, random);
            this.dir = dir;
            this.states = states;
        }

        @Override
        void written() throws IOException {
            if (++writes % 5 == 0 && states.size() < 60) {
                states.add(cut(dir.resolve("power-" + states.size() + ".qcow2")));
            }
        }
    }
}
