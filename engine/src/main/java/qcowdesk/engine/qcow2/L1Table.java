package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.L1Entry;
import qcowdesk.engine.qcow2.format.Qcow2Header;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The L1 table, held in memory whole (its size is bounded by {@link Qcow2Header#MAX_L1_BYTES}). The metadata store
 * writes an entry to disk, then updates it here.
 */
final class L1Table {

    private final long offset;
    private final long[] entries;

    private L1Table(long offset, long[] entries) {
        this.offset = offset;
        this.entries = entries;
    }

    static L1Table read(ImageFile file, Qcow2Header header) throws IOException {
        int n = header.l1Size();
        long[] entries = new long[n];
        if (n > 0) {
            ByteBuffer.wrap(file.read(header.l1TableOffset(), n * L1Entry.ENCODED_LENGTH)).asLongBuffer().get(entries);
        }
        return new L1Table(header.l1TableOffset(), entries);
    }

    long offset() {
        return offset;
    }

    int size() {
        return entries.length;
    }

    long entry(int index) {
        return entries[index];
    }

    /** Host offset of entry {@code index}. */
    long entryOffset(int index) {
        return offset + (long) index * L1Entry.ENCODED_LENGTH;
    }

    /** Updates the in-memory copy (after the store wrote the entry to disk). */
    void set(int index, long value) {
        entries[index] = value;
    }
}
