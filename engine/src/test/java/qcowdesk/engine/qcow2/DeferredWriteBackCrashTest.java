package qcowdesk.engine.qcow2;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Allocating writes keep their L2 and refcount changes in the caches until the client flushes. A power cut at any
 * instant (the file as of its last sync plus any subset of the writes issued since) must leave an image that
 * qemu-img check finds free of corruption (leaks allowed) in which QEMU reads every block written before the last
 * completed flush, and every other block reads either as it was or as it was last written, never as anything else.
 */
class DeferredWriteBackCrashTest {

    private static final int BLOCK = 4096;
    private static final int WRITES = 400;
    /** Crash states checked per run (each costs a qemu-img check and a convert). */
    private static final int STATES = 60;

    @TempDir
    Path dir;

    @AfterEach
    void removeTap() {
        ImageFile.tap = null;
    }

    /**
     * 16 KiB clusters: a 4 KiB write fills a quarter of a new cluster past the end of the file (several L2 tables);
     * 4 KiB clusters with 64-bit refcounts: each write is a whole new cluster, and new refcount blocks are needed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cluster_size=16384", "cluster_size=4096,refcount_bits=64"})
    void flushedAllocatingWritesSurvivePowerLoss(String options) throws IOException {
        Peers.require("qemu-img");
        Path img = dir.resolve("deferred.qcow2");
        long size = 160L << 20;
        Qemu.create(img, options, size);
        Random random = new Random(options.hashCode());
        long[] offsets = distinctBlocks(random, size, WRITES);
        Recorder recorder = new Recorder(img, random, state -> check(state, offsets, size));
        ImageFile.tap = recorder;
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite())) {
            for (int i = 0; i < WRITES; i++) {
                recorder.issued = i + 1; // block i may be on disk from now on
                image.write(offsets[i], ByteBuffer.wrap(pattern(i)));
                if (random.nextInt(40) == 0) {
                    image.flush();
                    recorder.durable = i + 1;
                }
            }
        }
        ImageFile.tap = null;
        assertTrue(recorder.checked > 30, "only " + recorder.checked + " crash states");
        Qemu.checkClean(img);
    }

    /**
     * Between two flushes, with every L2 table the writes touch in the cache, a 4 KiB allocating write costs the
     * file one write (the data) and no sync; the flush then writes the refcount blocks, syncs, and writes the L2
     * table.
     */
    @Test
    void anAllocatingWriteWritesOnlyItsDataUntilTheFlush() throws IOException {
        Peers.require("qemu-img");
        Path img = dir.resolve("one-write.qcow2");
        Qemu.create(img, "cluster_size=65536", 1L << 30);
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite())) {
            image.write(0, ByteBuffer.wrap(pattern(0))); // creates the L2 table for the first 512 MiB
            image.flush();
            List<String> seen = recordIo();
            for (int i = 1; i <= 100; i++) {
                image.write(i * 65536L * 37 % (512L << 20) + 8192, ByteBuffer.wrap(pattern(i)));
            }
            assertEquals(List.of("write 4096"), List.copyOf(new LinkedHashSet<>(seen)), "writes before the flush");
            assertEquals(100, seen.size());
            seen.clear();
            image.flush();
            assertEquals(List.of("write 65536", "sync", "write 65536", "sync"), seen,
                    "the flush: refcount block, sync, L2 table, sync");
        }
        ImageFile.tap = null;
        Qemu.checkClean(img);
    }

    /**
     * A write that needs a new L2 table writes nothing but its data either: the table and its L1 entry wait for the
     * flush, which makes the refcounts durable, then the table, and only then writes the L1 entry (rule 3).
     */
    @Test
    void aNewL2TableAndItsL1EntryWaitForTheFlush() throws IOException {
        Peers.require("qemu-img");
        Path img = dir.resolve("new-table.qcow2");
        Qemu.create(img, "cluster_size=65536", 4L << 30);
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite())) {
            List<String> seen = recordIo();
            for (int i = 0; i < 8; i++) { // one write into each 512 MiB that an L2 table maps
                byte[] data = new byte[BLOCK];
                Arrays.fill(data, (byte) (i + 1));
                image.write(((long) i << 29) + 65536L * i + 4096, ByteBuffer.wrap(data));
            }
            assertEquals(Collections.nCopies(8, "write 4096"), seen, "writes before the flush");
            seen.clear();
            image.flush();
            assertEquals(List.of("write 65536", "sync", "write 65536", "write 65536", "write 65536", "write 65536",
                    "write 65536", "write 65536", "write 65536", "write 65536", "sync", "write 64", "sync"), seen,
                    "the flush: refcount block, sync, eight L2 tables, sync, the eight L1 entries in one write, sync");
        }
        ImageFile.tap = null;
        Qemu.checkClean(img);
        List<String> reads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long at = ((long) i << 29) + 65536L * i;
            reads.add("read -P 0 " + at + " 4096");
            reads.add("read -P " + (i + 1) + " " + (at + 4096) + " 4096");
            reads.add("read -P 0 " + (at + 8192) + " 57344");
        }
        Qemu.io(img, reads.toArray(String[]::new));
    }

    /** From now on lists every write ("write LENGTH") and sync of the image files, in order. */
    private static List<String> recordIo() {
        List<String> seen = new ArrayList<>();
        ImageFile.tap = new ImageFile.WriteTap() {
            @Override
            public void afterWrite(ImageFile file, long position, ByteBuffer data) {
                seen.add("write " + data.remaining());
            }

            @Override
            public void afterSync(ImageFile file) {
                seen.add("sync");
            }
        };
        return seen;
    }

    private void check(State state, long[] offsets, long size) throws IOException {
        Peers.Result r = Peers.run("qemu-img", "check", state.file.toString());
        // 0: clean, 3: leaks only; 2 is corruption, 1 an image qemu-img cannot check.
        if (r.exitCode() != 0 && r.exitCode() != 3) {
            fail(state.file.getFileName() + " is corrupt (exit " + r.exitCode() + "):\n" + r.stdout() + r.stderr());
        }
        Path raw = dir.resolve("state.raw");
        Files.deleteIfExists(raw);
        Qemu.convertToRaw(state.file, raw);
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.READ)) {
            assertEquals(size, ch.size());
            for (int i = 0; i < offsets.length; i++) {
                ByteBuffer got = ByteBuffer.allocate(BLOCK);
                ch.read(got, offsets[i]);
                byte[] bytes = got.array();
                boolean written = Arrays.equals(bytes, pattern(i));
                if (i < state.durable && !written) {
                    fail(state.file.getFileName() + ": block " + i + " was flushed (" + state.durable
                            + " durable) but reads " + describe(bytes));
                }
                if (!written && !Arrays.equals(bytes, new byte[BLOCK])) {
                    fail(state.file.getFileName() + ": block " + i + " reads neither zeros nor its data: "
                            + describe(bytes));
                }
                if (i >= state.issued && written) {
                    fail(state.file.getFileName() + ": block " + i + " has data that was not written yet");
                }
            }
        }
        Files.delete(state.file);
    }

    private static String describe(byte[] bytes) {
        return "first bytes " + Arrays.toString(Arrays.copyOf(bytes, 8));
    }

    /** Block {@code i}'s data: its index in every 4-byte word, so that no two blocks and no zeros look alike. */
    private static byte[] pattern(int i) {
        ByteBuffer b = ByteBuffer.allocate(BLOCK);
        while (b.hasRemaining()) {
            b.putInt(i + 1);
        }
        return b.array();
    }

    private static long[] distinctBlocks(Random random, long size, int n) {
        Set<Long> chosen = new LinkedHashSet<>();
        while (chosen.size() < n) {
            chosen.add((long) random.nextInt((int) (size / BLOCK)) * BLOCK);
        }
        return chosen.stream().mapToLong(Long::longValue).toArray();
    }

    /** A crash state and what the writer had been promised when it was taken. */
    private record State(Path file, int durable, int issued) {
    }

    private interface StateCheck {
        void check(State state) throws IOException;
    }

    /** Checks a crash state every eleven writes and as syncs return, up to {@link #STATES} of them. */
    private final class Recorder extends PowerCutTap {
        private final StateCheck checker;
        private int writes;
        int checked;
        /** Blocks [0, durable) were written before a completed flush; [0, issued) may have reached the file. */
        int durable;
        int issued;

        Recorder(Path img, Random random, StateCheck checker) throws IOException {
            super(img, random);
            this.checker = checker;
        }

        @Override
        void written() throws IOException {
            if (++writes % 11 == 0 && checked < STATES * 2 / 3) {
                crash();
            }
        }

        @Override
        void syncing() throws IOException {
            if (checked < STATES) {
                crash(); // a cut just before this sync completes: any subset of the writes it covers
            }
        }

        private void crash() throws IOException {
            Path state = cut(dir.resolve("power-" + checked++ + ".qcow2"));
            checker.check(new State(state, durable, issued));
        }
    }
}
