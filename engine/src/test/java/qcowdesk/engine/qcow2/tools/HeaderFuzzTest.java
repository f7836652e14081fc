package qcowdesk.engine.qcow2.tools;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded random byte flips in the first clusters (header, refcount table and blocks, L1 and L2 tables) of real
 * images: opening and reading, and each inspection tool (info, host map, check), either works or fails with an
 * EngineException — never another exception, never a
 * hang. Each failure names the seed and the flips so that it can be replayed.
 */
class HeaderFuzzTest {

    private static final int ROUNDS = 100;
    private static final int READ_LIMIT = 1 << 20;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"v3-c64k", "v2-c4k", "v3-c512", "v3-extl2-c16k", "v3-compressed-zstd",
            "v3-convert-compressed-c512", "v3-refcount1", "v2-prealloc-metadata"})
    void flippedBytesNeverEscapeAsOtherExceptions(String name) throws Exception {
        Corpus.Image image = Corpus.shared().get(name);
        byte[] original = Files.readAllBytes(image.path());
        int clusterSize = 1 << ByteBuffer.wrap(original).getInt(20);
        int span = Math.min(original.length, Math.max(4 * clusterSize, 8192));
        Path target = dir.resolve(name + ".fuzz.qcow2");
        long seed = name.hashCode();
        Random random = new Random(seed);
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int round = 0; round < ROUNDS; round++) {
                byte[] mutated = original.clone();
                StringBuilder flips = new StringBuilder();
                int count = 1 + random.nextInt(8);
                for (int i = 0; i < count; i++) {
                    int at = random.nextInt(span);
                    byte value = (byte) random.nextInt(256);
                    mutated[at] = value;
                    flips.append(at).append('=').append(value & 0xff).append(' ');
                }
                Files.write(target, mutated);
                String replay = name + " seed " + seed + " round " + round + " flips [" + flips + "]";
                expectSuccessOrEngineException(() -> openAndRead(target), "read " + replay);
                expectSuccessOrEngineException(() -> inspect(target), "inspect " + replay);
            }
        });
    }

    interface Action {
        void run() throws Exception;
    }

    private static void expectSuccessOrEngineException(Action action, String what) {
        try {
            action.run();
        } catch (EngineException expected) {
            // a clear refusal is the right answer to a damaged image
        } catch (Throwable t) {
            fail(what + ": " + t.getClass().getName() + ": " + t.getMessage(), t);
        }
    }

    private static void openAndRead(Path image) throws Exception {
        try (Qcow2Image disk = Qcow2Image.open(image, OpenOptions.readOnly())) {
            long length = Math.min(disk.size(), READ_LIMIT);
            ByteBuffer buf = ByteBuffer.allocate((int) length);
            disk.read(0, buf);
            if (disk.size() > READ_LIMIT) {
                disk.read(disk.size() - 4096, ByteBuffer.allocate(4096));
            }
            disk.map(0, disk.size());
        }
    }

    private static void inspect(Path image) throws Exception {
        ImageInfo.of(image);
        HostMap.of(image, ProgressListener.NONE);
        ImageChecker.check(image, ProgressListener.NONE);
    }
}
