package qcowdesk.bridge.nbd;

import java.util.function.IntBinaryOperator;

/**
 * Rounds block-status extents to whole blocks of the advertised minimum block size. The image's map can change
 * status inside a block (512-byte clusters or 2 KiB subclusters on a 4096-byte-sector export, a backing file
 * whose size is not a multiple of 512); clients read extent by extent, so an extent boundary inside a block would
 * make them send an unaligned request. A block that straddles extents gets the status that {@code combine} gives
 * (for base:allocation: data wins over hole, non-zero over zero). Extents start at a block boundary, and their
 * total is a whole number of blocks.
 */
final class AlignedExtents {

    private final long[] lengths;
    private final int[] flags;
    private int count;

    private AlignedExtents(int capacity) {
        lengths = new long[capacity];
        flags = new int[capacity];
    }

    /** The first {@code count} extents of {@code lengths}/{@code flags}, rounded to blocks of {@code block} bytes. */
    static AlignedExtents round(long[] lengths, int[] flags, int count, int block, IntBinaryOperator combine) {
        AlignedExtents out = new AlignedExtents(count + 1);
        long[] remaining = lengths.clone();
        long position = 0;
        int i = 0;
        while (i < count) {
            long end = position + remaining[i];
            long aligned = end - Math.floorMod(end, block);
            if (aligned == end) {
                out.add(remaining[i], flags[i]);
                position = end;
                i++;
                continue;
            }
            if (aligned > position) {
                out.add(aligned - position, flags[i]);
            }
            // the block around the boundary takes the combined status of every extent it overlaps
            long blockEnd = aligned + block;
            int status = flags[i];
            long covered = end;
            i++;
            while (i < count && covered < blockEnd) {
                status = combine.applyAsInt(status, flags[i]);
                long next = covered + remaining[i];
                if (next > blockEnd) {
                    remaining[i] = next - blockEnd;
                    covered = blockEnd;
                    break;
                }
                covered = next;
                i++;
            }
            if (covered < blockEnd) {
                // the walk stopped inside a block (an extent limit): leave the partial block to the next request
                break;
            }
            out.add(block, status);
            position = blockEnd;
        }
        return out;
    }

    private void add(long length, int status) {
        if (count > 0 && flags[count - 1] == status) {
            lengths[count - 1] += length;
        } else {
            lengths[count] = length;
            flags[count] = status;
            count++;
        }
    }

    int count() {
        return count;
    }

    long length(int i) {
        return lengths[i];
    }

    int flags(int i) {
        return flags[i];
    }
}
