package qcowdesk.engine.qcow2.tools;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.Qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per header defect, each on a real qemu-img image with one field patched. Every refusal must name the
 * field and its value; images that may be opened read-only must still read.
 */
class BadHeaderTest {

    @TempDir
    static Path dir;
    private static Path v3;
    private static Path v2;
    private static final AtomicInteger COPIES = new AtomicInteger();

    // Header field offsets (docs/interop/qcow2.txt).
    private static final int MAGIC = 0;
    private static final int VERSION = 4;
    private static final int BACKING_FILE_OFFSET = 8;
    private static final int BACKING_FILE_SIZE = 16;
    private static final int CLUSTER_BITS = 20;
    private static final int SIZE = 24;
    private static final int CRYPT_METHOD = 32;
    private static final int L1_SIZE = 36;
    private static final int L1_TABLE_OFFSET = 40;
    private static final int REFCOUNT_TABLE_OFFSET = 48;
    private static final int REFCOUNT_TABLE_CLUSTERS = 56;
    private static final int INCOMPATIBLE_FEATURES = 72;
    private static final int REFCOUNT_ORDER = 96;
    private static final int HEADER_LENGTH = 100;

    @BeforeAll
    static void makeImages() {
        v3 = dir.resolve("v3.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", v3.toString(), "4M");
        Qemu.io(v3, "write -P 0x5a 0 128k");
        v2 = dir.resolve("v2.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", "-o", "compat=0.10", v2.toString(), "4M");
        Qemu.io(v2, "write -P 0x5a 0 128k");
    }

    @Test
    void badMagic() {
        assertRefused(patched(v3, f -> putInt(f, MAGIC, 0x12345678)), ErrorCode.INVALID_IMAGE, "magic", "0x12345678");
    }

    @Test
    void unknownVersion() {
        assertRefused(patched(v3, f -> putInt(f, VERSION, 4)), ErrorCode.UNSUPPORTED, "version", "4");
    }

    @Test
    void clusterBitsTooSmall() {
        assertRefused(patched(v3, f -> putInt(f, CLUSTER_BITS, 8)), ErrorCode.INVALID_IMAGE, "cluster_bits", "8");
    }

    @Test
    void clusterBitsTooLarge() {
        assertRefused(patched(v3, f -> putInt(f, CLUSTER_BITS, 22)), ErrorCode.INVALID_IMAGE, "cluster_bits", "22");
    }

    @Test
    void headerLengthTooSmall() {
        assertRefused(patched(v3, f -> putInt(f, HEADER_LENGTH, 96)), ErrorCode.INVALID_IMAGE, "header_length", "96");
    }

    @Test
    void cryptMethodSet() {
        assertRefused(patched(v3, f -> putInt(f, CRYPT_METHOD, 1)), ErrorCode.UNSUPPORTED, "crypt_method", "1",
                "encrypted");
    }

    @Test
    void cryptMethodSetInVersion2() {
        assertRefused(patched(v2, f -> putInt(f, CRYPT_METHOD, 2)), ErrorCode.UNSUPPORTED, "crypt_method", "2");
    }

    @Test
    void fullDiskEncryptionExtension() {
        // Replace the first header extension (qemu writes the feature name table there) by an encryption header.
        Path image = patched(v3, f -> {
            int at = getInt(f, HEADER_LENGTH);
            putInt(f, at, 0x0537be77);
            putInt(f, at + 4, 16);
            putLong(f, at + 8, 0x30000);
            putLong(f, at + 16, 0x10000);
            putLong(f, at + 24, 0);
        });
        assertRefused(image, ErrorCode.UNSUPPORTED, "encrypted images are not supported", "encryption");
    }

    @Test
    void unknownIncompatibleFeatureBit() {
        assertRefused(patched(v3, f -> putLong(f, INCOMPATIBLE_FEATURES, 1L << 40)), ErrorCode.UNSUPPORTED,
                "incompatible feature", "0x10000000000");
    }

    @Test
    void refcountOrderAboveSix() {
        assertRefused(patched(v3, f -> putInt(f, REFCOUNT_ORDER, 7)), ErrorCode.INVALID_IMAGE, "refcount_order", "7");
    }

    @Test
    void l1TableOffsetUnaligned() {
        long l1 = ImagePatcher.readLong(v3, L1_TABLE_OFFSET);
        assertRefused(patched(v3, f -> putLong(f, L1_TABLE_OFFSET, l1 + 512)), ErrorCode.INVALID_IMAGE,
                "l1_table_offset", "0x" + Long.toHexString(l1 + 512), "aligned");
    }

    @Test
    void l1TableOffsetPastEndOfFile() {
        assertRefused(patched(v3, f -> putLong(f, L1_TABLE_OFFSET, 1L << 40)), ErrorCode.INVALID_IMAGE,
                "l1_table_offset", "0x10000000000", "past the end");
    }

    @Test
    void refcountTableOffsetUnaligned() {
        long rt = ImagePatcher.readLong(v3, REFCOUNT_TABLE_OFFSET);
        assertRefused(patched(v3, f -> putLong(f, REFCOUNT_TABLE_OFFSET, rt + 4096)), ErrorCode.INVALID_IMAGE,
                "refcount_table_offset", "0x" + Long.toHexString(rt + 4096), "aligned");
    }

    @Test
    void refcountTableOffsetPastEndOfFile() {
        assertRefused(patched(v3, f -> putLong(f, REFCOUNT_TABLE_OFFSET, 1L << 40)), ErrorCode.INVALID_IMAGE,
                "refcount_table_offset", "0x10000000000", "past the end");
    }

    @Test
    void l1SizeLargerThanTheVirtualSizeNeeds() {
        // 4 MiB with 64 KiB clusters needs one L1 entry; a full cluster of entries is QEMU's rounding, more is not.
        assertRefused(patched(v3, f -> putInt(f, L1_SIZE, 100_000)), ErrorCode.INVALID_IMAGE, "l1_size", "100000");
    }

    @Test
    void l1TableLargerThanTheMemoryBudget() {
        assertRefused(patched(v3, f -> putInt(f, L1_SIZE, 0x7fffffff)), ErrorCode.INVALID_IMAGE, "l1_size",
                "2147483647", "limit");
    }

    @Test
    void refcountTableLargerThanTheMemoryBudget() {
        assertRefused(patched(v3, f -> putInt(f, REFCOUNT_TABLE_CLUSTERS, 1 << 20)), ErrorCode.INVALID_IMAGE,
                "refcount_table_clusters", "1048576", "limit");
    }

    @Test
    void backingFileNameOffsetOutOfRange() {
        Path image = patched(v3, f -> {
            putLong(f, BACKING_FILE_OFFSET, 1L << 32);
            putInt(f, BACKING_FILE_SIZE, 10);
        });
        assertRefused(image, ErrorCode.INVALID_IMAGE, "backing file name", "4294967296", "out of range");
    }

    @Test
    void backingFileNameSizeOutOfRange() {
        Path image = patched(v3, f -> {
            putLong(f, BACKING_FILE_OFFSET, 512);
            putInt(f, BACKING_FILE_SIZE, 5000);
        });
        assertRefused(image, ErrorCode.INVALID_IMAGE, "backing_file_size", "5000", "out of range");
    }

    @Test
    void corruptBitAllowsReadOnlyOpenOnly() throws Exception {
        Path image = patched(v3, f -> putLong(f, INCOMPATIBLE_FEATURES, 1L << 1));
        assertReadsPattern(image);
        EngineException e = assertThrows(EngineException.class,
                () -> Qcow2Image.open(image, OpenOptions.readWrite()).close());
        assertMessage(e, "corrupt", "read-only");
    }

    @Test
    void dirtyBitIsRepairedByAWritableOpenAsQemuDoes() throws Exception {
        Path image = patched(v3, f -> putLong(f, INCOMPATIBLE_FEATURES, 1L));
        assertReadsPattern(image);
        assertEquals(1L, readLong(image, INCOMPATIBLE_FEATURES), "a read-only open leaves the dirty bit");
        try (Qcow2Image disk = Qcow2Image.open(image, OpenOptions.readWrite())) {
            assertTrue(disk.repairedAtOpen().isPresent(), "the open says what it repaired");
        }
        assertEquals(0L, readLong(image, INCOMPATIBLE_FEATURES), "the repaired image is marked clean");
        assertReadsPattern(image);
        Qemu.checkClean(image);
    }

    private static long readLong(Path image, int offset) throws IOException {
        try (FileChannel file = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(8);
            file.read(buf, offset);
            return buf.getLong(0);
        }
    }

    @Test
    void fileShorterThanTheHeader() throws Exception {
        Path image = dir.resolve("short-" + COPIES.incrementAndGet() + ".qcow2");
        Files.write(image, java.util.Arrays.copyOf(Files.readAllBytes(v3), 50));
        assertRefused(image, ErrorCode.INVALID_IMAGE, "too short", "50");
    }

    @Test
    void emptyFile() throws Exception {
        Path image = dir.resolve("empty.qcow2");
        Files.write(image, new byte[0]);
        assertRefused(image, ErrorCode.INVALID_IMAGE, "too short", "0");
    }

    @Test
    void hugeVirtualSize() {
        assertRefused(patched(v3, f -> putLong(f, SIZE, 1L << 62)), ErrorCode.UNSUPPORTED, "size",
                String.valueOf(1L << 62), "limit");
    }

    @Test
    void negativeVirtualSize() {
        assertRefused(patched(v3, f -> putLong(f, SIZE, -512)), ErrorCode.INVALID_IMAGE, "size",
                Long.toUnsignedString(-512L));
    }

    // ----- helpers ------------------------------------------------------------------------------------------------

    /** Opening (read-only and writable) is refused with {@code code}; the message holds every fragment. */
    private static void assertRefused(Path image, ErrorCode code, String... fragments) {
        for (OpenOptions options : new OpenOptions[]{OpenOptions.readOnly(), OpenOptions.readWrite()}) {
            EngineException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
                    EngineException.class, () -> Qcow2Image.open(image, options).close()));
            assertEquals(code, e.code(), e.getMessage());
            assertMessage(e, fragments);
        }
    }

    private static void assertMessage(EngineException e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
    }

    private static void assertReadsPattern(Path image) throws IOException {
        try (Qcow2Image disk = Qcow2Image.open(image, OpenOptions.readOnly())) {
            ByteBuffer buf = ByteBuffer.allocate(128 * 1024);
            disk.read(0, buf);
            for (int i = 0; i < buf.capacity(); i++) {
                assertEquals(0x5a, buf.get(i) & 0xff, "byte " + i);
            }
        }
    }

    interface Patch {
        void apply(FileChannel file) throws IOException;
    }

    private static Path patched(Path original, Patch patch) {
        Path copy = dir.resolve("patched-" + COPIES.incrementAndGet() + ".qcow2");
        try {
            Files.copy(original, copy);
            try (FileChannel f = FileChannel.open(copy, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                patch.apply(f);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return copy;
    }

    private static void putInt(FileChannel f, long at, int value) throws IOException {
        f.write(ByteBuffer.allocate(4).putInt(0, value), at);
    }

    private static void putLong(FileChannel f, long at, long value) throws IOException {
        f.write(ByteBuffer.allocate(8).putLong(0, value), at);
    }

    private static int getInt(FileChannel f, long at) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4);
        f.read(b, at);
        return b.getInt(0);
    }
}
