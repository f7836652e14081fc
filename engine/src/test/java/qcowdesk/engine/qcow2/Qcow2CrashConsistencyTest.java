package qcowdesk.engine.qcow2;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import qcowdesk.testkit.Peers;

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
        ImageFile.tap = file -> {
            if (file.path().equals(img) && ++writes[0] % 7 == 0 && snapshots.size() < 70) {
                Path copy = dir.resolve("snap-" + snapshots.size() + ".qcow2");
                Files.copy(img, copy);
                snapshots.add(copy);
            }
        };
        Random random = new Random(options.hashCode());
        int clusterSize = Qcow2RandomWriteTest.clusterSizeOf(options);
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite())) {
            for (int step = 0; step < 120; step++) {
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
        ImageFile.tap = null;
        assertTrue(snapshots.size() > 20, "only " + snapshots.size() + " snapshots taken");
        for (Path snapshot : snapshots) {
            Peers.Result r = Peers.run("qemu-img", "check", snapshot.toString());
            // 0: clean, 3: leaks only. 2 would be corruption, 1 an image qemu-img cannot even check.
            if (r.exitCode() != 0 && r.exitCode() != 3) {
                fail("crash state " + snapshot.getFileName() + " is corrupt (exit " + r.exitCode() + "):\n"
                        + r.stdout() + r.stderr());
            }
        }
        Qemu.checkClean(img);
    }
}
