package qcowdesk.engine.qcow2.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property: a real image (made by qemu-img, see {@link Corpus}) with header and table fields overwritten — single
 * bytes, and whole 32- and 64-bit fields set to the values that break parsers (0, 1, -1, the sign bit, the file
 * size, just past it) — either opens and reads within its bounds, or is refused with the engine's own
 * {@link EngineException}. Never another exception, never a case past its timeout, never more heap than the
 * fixed cap of the fuzz execution ({@code -Xmx256m}, engine/pom.xml). And the engine must not pass by refusing
 * everything: a share of the mutated images has to open and read.
 *
 * <p>Runs in the surefire execution {@code fuzz}; jqwik prints the seed of a failure for replay.
 */
@Tag("fuzz")
class MutatedImageProperties {

    /** engine/src/test/resources/junit-platform.properties sets 3000; {@code -Djqwik.tries.default=N} runs more. */
    private static final int TRIES = Integer.getInteger("jqwik.tries.default", 3000);
    private static final int READ_LIMIT = 1 << 20;
    private static final List<String> IMAGES = List.of("v3-c64k", "v2-c4k", "v3-c512", "v3-extl2-c16k",
            "v3-compressed-zstd", "v3-convert-compressed-c512", "v3-refcount1", "v2-prealloc-metadata");

    private static final Map<String, byte[]> ORIGINALS = new ConcurrentHashMap<>();
    private static final AtomicInteger cases = new AtomicInteger();
    private static final AtomicInteger opened = new AtomicInteger();
    private static final AtomicInteger refused = new AtomicInteger();

    /** What is written where: {@code width} 1, 4 or 8 bytes, big-endian, at {@code at} (aligned to the width). */
    record Mutation(int at, int width, long value) {
        void applyTo(byte[] image, int span) {
            int where = Math.floorMod(at, Math.max(1, span - width)) / width * width;
            ByteBuffer b = ByteBuffer.wrap(image);
            switch (width) {
                case 1 -> b.put(where, (byte) value);
                case 4 -> b.putInt(where, (int) value);
                default -> b.putLong(where, value);
            }
        }
    }

    @Provide
    Arbitrary<String> images() {
        return Arbitraries.of(IMAGES);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, Integer.MAX_VALUE);
        Arbitrary<Integer> width = Arbitraries.of(1, 4, 8);
        Arbitrary<Long> value = Arbitraries.oneOf(
                Arbitraries.longs(),
                Arbitraries.of(0L, 1L, -1L, 0x7fffffffL, 0x80000000L, 0xffffffffL, Long.MIN_VALUE, Long.MAX_VALUE,
                        1L << 40, 1L << 62, 0x8000000000000000L | 0x10000, 0x10000L, 0x200L, 21L, 31L, 9L, 64L),
                Arbitraries.longs().between(0, 1 << 22).map(v -> v & ~0x1ffL));
        return Combinators.combine(at, width, value).as(Mutation::new).list().ofMinSize(1).ofMaxSize(6);
    }

    /**
     * The CI form: a fixed seed, so that a run fails only when the engine changed, and the failure replays.
     * Findings so far (each with its own test in FuzzFindingsTest): a refcount block offset with bit 63 set,
     * a backing file name with a NUL byte.
     */
    @Property(seed = "20261206", shrinking = net.jqwik.api.ShrinkingMode.BOUNDED)
    void mutatedImagesOpenAndReadOrFailWithTheEnginesError(@ForAll("images") String name,
                                                            @ForAll("mutations") List<Mutation> mutations)
            throws IOException {
        check(name, mutations);
    }

    /** The long form (scripts/fuzz.sh sets qcowdesk.fuzz.explore): fresh seeds every run. */
    @Property(shrinking = net.jqwik.api.ShrinkingMode.BOUNDED)
    void exploreWithFreshSeeds(@ForAll("images") String name, @ForAll("mutations") List<Mutation> mutations)
            throws IOException {
        if (Boolean.getBoolean("qcowdesk.fuzz.explore")) {
            check(name, mutations);
        }
    }

    private static void check(String name, List<Mutation> mutations) throws IOException {
        byte[] original = ORIGINALS.computeIfAbsent(name, MutatedImageProperties::load);
        int clusterSize = 1 << ByteBuffer.wrap(original).getInt(20);
        // The metadata a reader parses first: header, refcount table and blocks, L1 and the first L2 tables.
        int span = Math.min(original.length, Math.max(4 * clusterSize, 8192));
        byte[] mutated = original.clone();
        for (Mutation m : mutations) {
            m.applyTo(mutated, span);
        }
        Path file = Files.createTempFile("qcowdesk-fuzz-", ".qcow2");
        try {
            Files.write(file, mutated);
            cases.incrementAndGet();
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try {
                    openAndRead(file);
                    opened.incrementAndGet();
                } catch (EngineException expected) {
                    refused.incrementAndGet(); // a clear refusal is the right answer to a damaged image
                }
                try {
                    ImageInfo.of(file);
                    ImageChecker.check(file, ProgressListener.NONE);
                } catch (EngineException expected) {
                    // the same for the inspection tools
                }
            });
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Opens read-only and reads the start and the end of the disk, and that a read past the end is refused. */
    private static void openAndRead(Path file) throws IOException {
        try (Qcow2Image disk = Qcow2Image.open(file, OpenOptions.readOnly())) {
            long size = disk.size();
            disk.read(0, ByteBuffer.allocate((int) Math.min(size, READ_LIMIT)));
            if (size >= 4096) {
                disk.read(size - 4096, ByteBuffer.allocate(4096));
            }
            assertThrows(EngineException.class, () -> disk.read(size, ByteBuffer.allocate(512)),
                    "a read past the end of the disk must be refused");
            disk.map(0, size);
        }
    }

    @AfterContainer
    static void aShareOfTheMutatedImagesStillOpens() {
        int total = cases.get();
        System.out.printf("image fuzzing: %d mutated images, %d opened and read, %d refused with EngineException"
                + " (heap cap %d MiB)%n", total, opened.get(), refused.get(), Runtime.getRuntime().maxMemory() >> 20);
        assertTrue(total >= TRIES, "only " + total + " cases ran");
        // Most single-field changes land in places a careful reader tolerates (unused table entries, data);
        // an engine that refused every damaged image outright would fail here.
        assertTrue(opened.get() >= total / 5, "only " + opened.get() + " of " + total + " mutated images opened");
    }

    private static byte[] load(String name) {
        try {
            return Files.readAllBytes(Corpus.shared().get(name).path());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
