package qcowdesk.app.hex;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import qcowdesk.engine.testing.MemoryDisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Search logic on an in-memory disk, where sizes and boundaries can be placed exactly. */
class PatternSearchTest {

    private static final long TIB = 1L << 40;

    @Test
    void findsMatchesAcrossChunkAndClusterBoundariesAndAfterTheStart() throws Exception {
        MemoryDisk disk = new MemoryDisk(64L << 20, 65536);
        long across = 3L * PatternSearch.CHUNK - 3;
        disk.write(across, ByteBuffer.wrap("needle".getBytes(StandardCharsets.US_ASCII)));
        disk.write(40L << 20, ByteBuffer.wrap("needle".getBytes(StandardCharsets.US_ASCII)));
        SearchPattern needle = SearchPattern.text("needle");

        assertEquals(across, PatternSearch.find(disk, needle, 0, () -> false, x -> { }));
        assertEquals(40L << 20, PatternSearch.find(disk, needle, across + 1, () -> false, x -> { }));
        assertEquals(-1, PatternSearch.find(disk, needle, (40L << 20) + 1, () -> false, x -> { }));
    }

    @Test
    void matchesStraddlingDataAndAZeroExtentAreFound() throws Exception {
        MemoryDisk disk = new MemoryDisk(1L << 30, 65536);
        // "AB" ends a data cluster; the pattern continues with zeros from the unallocated cluster after it.
        disk.write(65536 - 2, ByteBuffer.wrap(new byte[]{'A', 'B'}));
        assertEquals(65534, PatternSearch.find(disk, SearchPattern.hex("41 42 00 00 00"), 0, () -> false, x -> { }));
        // Zeros then data: "00 00 43" with 'C' at the start of a cluster far after a long hole.
        disk.write(512L << 20, ByteBuffer.wrap(new byte[]{'C'}));
        assertEquals((512L << 20) - 2, PatternSearch.find(disk, SearchPattern.hex("00 00 43"), 70000, () -> false, x -> { }));
    }

    @Test
    void aSparseTebibyteIsCrossedWithoutReadingItsHoles() throws Exception {
        MemoryDisk disk = new MemoryDisk(TIB, 65536);
        disk.write(TIB - 100, ByteBuffer.wrap(new byte[]{(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}));
        AtomicLong reached = new AtomicLong();
        assertEquals(TIB - 100, PatternSearch.find(disk, SearchPattern.hex("deadbeef"), 0, () -> false, reached::set));
        assertTrue(reached.get() >= TIB - 65536, "progress reported up to " + reached.get());
    }

    @Test
    void allZeroPatternsAreFoundInHoles() throws Exception {
        MemoryDisk disk = new MemoryDisk(1L << 30, 65536);
        disk.write(0, ByteBuffer.wrap(new byte[]{1, 1, 1, 1, 0, 0, 1}));
        assertEquals(7, PatternSearch.find(disk, SearchPattern.hex("00 00 00"), 0, () -> false, x -> { }));
    }

    @Test
    void cancellingStopsTheSearch() {
        MemoryDisk disk = new MemoryDisk(1L << 30, 65536);
        assertThrows(InterruptedIOException.class,
                () -> PatternSearch.find(disk, SearchPattern.hex("00"), 0, () -> true, x -> { }));
    }
}
