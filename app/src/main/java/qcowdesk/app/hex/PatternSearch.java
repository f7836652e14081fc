package qcowdesk.app.hex;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import qcowdesk.app.inspect.ExtentWalk;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;

/**
 * Finds the next occurrence of a byte pattern on a disk, forward from an offset; runs off the FX thread.
 *
 * <p>The disk is read in chunks that carry the last {@code pattern-1} bytes over, so matches across chunk
 * and extent boundaries are found. Extents that read as zeros are not read when the pattern holds a non-zero
 * byte: only their edges can take part in a match, so a sparse terabyte is crossed in map time.
 */
public final class PatternSearch {

    static final int CHUNK = 1 << 20;

    private final VirtualDisk disk;
    private final byte[] pattern;
    private final boolean skipZeros;
    private final BooleanSupplier cancelled;
    private final LongConsumer progress;
    private final byte[] window;
    /** Bytes at the front of {@link #window} kept from earlier chunks. */
    private int carried;
    /** Guest offset of window[0]. */
    private long windowStart;

    private PatternSearch(VirtualDisk disk, SearchPattern pattern, BooleanSupplier cancelled, LongConsumer progress) {
        this.disk = disk;
        this.pattern = pattern.bytes();
        this.skipZeros = !pattern.allZero();
        this.cancelled = cancelled;
        this.progress = progress;
        this.window = new byte[this.pattern.length - 1 + CHUNK];
    }

    /**
     * The guest offset of the first match starting at or after {@code from}, or -1 when there is none.
     * {@code progress} receives the offset searched up to.
     *
     * @throws InterruptedIOException when {@code cancelled} becomes true
     */
    public static long find(VirtualDisk disk, SearchPattern pattern, long from, BooleanSupplier cancelled,
                            LongConsumer progress) throws IOException {
        return new PatternSearch(disk, pattern, cancelled, progress).from(from);
    }

    private long from(long from) throws IOException {
        windowStart = from;
        int keep = pattern.length - 1;
        ExtentWalk walk = new ExtentWalk(disk, from, disk.size());
        for (MapEntry entry = walk.next(); entry != null; entry = walk.next()) {
            long found;
            if (skipZeros && entry.zero() && entry.length() > 2L * keep + CHUNK) {
                // Only the first and last keep bytes can be part of a match; the middle is skipped unread.
                found = feed(entry.start(), keep, true);
                if (found < 0) {
                    carried = 0;
                    windowStart = entry.end() - keep;
                    found = feed(entry.end() - keep, keep, true);
                }
            } else {
                found = feed(entry.start(), entry.length(), entry.zero());
            }
            if (found >= 0) {
                return found;
            }
            progress.accept(entry.end());
        }
        return -1;
    }

    /** Appends {@code length} bytes at {@code position} (read, or zeros) chunk by chunk; returns a match or -1. */
    private long feed(long position, long length, boolean zeros) throws IOException {
        long end = position + length;
        while (position < end) {
            if (cancelled.getAsBoolean()) {
                throw new InterruptedIOException("cancelled");
            }
            int n = (int) Math.min(CHUNK, end - position);
            if (zeros) {
                Arrays.fill(window, carried, carried + n, (byte) 0);
            } else {
                disk.read(position, ByteBuffer.wrap(window, carried, n));
            }
            int filled = carried + n;
            int match = indexOf(window, filled);
            if (match >= 0) {
                return windowStart + match;
            }
            position += n;
            progress.accept(position);
            int keep = Math.min(pattern.length - 1, filled);
            System.arraycopy(window, filled - keep, window, 0, keep);
            windowStart += filled - keep;
            carried = keep;
        }
        return -1;
    }

    private int indexOf(byte[] data, int length) {
        byte first = pattern[0];
        int last = length - pattern.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (data[i] != first) {
                continue;
            }
            for (int j = 1; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
