package qcowdesk.engine.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Growth that needs a larger L1 table than its clusters hold moves the table. Every state a crash could leave
 * (the file after each write, and as a power cut leaves it: what was synced plus all, none, or only the last of the
 * writes since) must pass qemu-img check (leaked clusters allowed, as QEMU's own resize may leak), hold the
 * guest's data, and have the old size or the new one; the finished image is identical, for qemu-img compare, to
 * one qemu-img resize grew.
 */
class ResizeMovingL1CrashTest {

    @TempDir
    Path dir;

    @AfterEach
    void removeTap() {
        ImageFile.tap = null;
    }

    @ParameterizedTest
    @CsvSource({"cluster_size=512, 1M, 8M", "cluster_size=4096, 3M, 2G",
            "'cluster_size=16384,refcount_bits=1', 32M, 65G", "'cluster_size=512,compat=0.10', 1M, 3M"})
    void everyCrashStateIsTheOldImageOrTheGrownOne(String options, String from, String to) throws Exception {
        Path image = dir.resolve("grow.qcow2");
        long oldSize = parseSize(from);
        long newSize = parseSize(to);
        Qemu.create(image, options, oldSize);
        Qemu.io(image, "write -P 1 0 64k", "write -P 2 " + (oldSize - 4096) + " 4096");
        Path reference = Files.copy(image, dir.resolve("reference.qcow2"));
        long l1Before = l1TableOffset(image);

        List<Path> states = new ArrayList<>();
        ImageFile.tap = new ImageFile.WriteTap() {
            byte[] synced = Files.readAllBytes(image);
            final List<Object[]> unsynced = new ArrayList<>();

            @Override
            public void afterWrite(ImageFile file, long position, ByteBuffer data) throws IOException {
                if (!file.path().equals(image)) {
                    return;
                }
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                unsynced.add(new Object[] {position, bytes});
                states.add(copy(Files.readAllBytes(image), List.of()));                    // written in order
                states.add(copy(synced, List.<Object[]>of(unsynced.get(unsynced.size() - 1)))); // only the last one
            }

            @Override
            public void afterSync(ImageFile file) throws IOException {
                if (file.path().equals(image)) {
                    synced = Files.readAllBytes(image);
                    unsynced.clear();
                    states.add(copy(synced, List.of()));
                }
            }

            private Path copy(byte[] base, List<Object[]> writes) throws IOException {
                Path state = dir.resolve("state-" + states.size() + ".qcow2");
                try (FileChannel ch = FileChannel.open(state, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(base), 0);
                    for (Object[] w : writes) {
                        ch.write(ByteBuffer.wrap((byte[]) w[1]), (Long) w[0]);
                    }
                }
                return state;
            }
        };
        Qcow2Image.resize(image, newSize, false);
        ImageFile.tap = null;

        assertNotEquals(l1Before, l1TableOffset(image), "the L1 table did not move");
        Qemu.checkClean(image);
        Path grown = Files.copy(reference, dir.resolve("grown-by-qemu.qcow2"));
        Peers.ok("qemu-img", "resize", "-q", grown.toString(), Long.toString(newSize));
        Peers.ok("qemu-img", "compare", "-q", grown.toString(), image.toString());
        assertEquals(newSize, ImageInfo.of(image).virtualSize());

        assertTrue(states.size() >= 6, "only " + states.size() + " crash states");
        for (Path state : states) {
            Peers.Result check = Peers.run("qemu-img", "check", state.toString());
            if (check.exitCode() != 0 && check.exitCode() != 3) {
                fail("crash state " + state.getFileName() + " is corrupt (exit " + check.exitCode() + "):\n"
                        + check.stdout() + check.stderr());
            }
            long size = ImageInfo.of(state).virtualSize();
            assertTrue(size == oldSize || size == newSize, state.getFileName() + ": virtual size " + size);
            Peers.ok("qemu-img", "compare", "-q", reference.toString(), state.toString());
        }
    }

    private static long parseSize(String text) {
        int shift = switch (text.charAt(text.length() - 1)) {
            case 'M' -> 20;
            case 'G' -> 30;
            default -> throw new IllegalArgumentException(text);
        };
        return Long.parseLong(text.substring(0, text.length() - 1)) << shift;
    }

    private static long l1TableOffset(Path image) throws IOException {
        try (FileChannel ch = FileChannel.open(image)) {
            ByteBuffer b = ByteBuffer.allocate(8);
            ch.read(b, 40);
            return b.getLong(0);
        }
    }
}
