package qcowdesk.engine.qcow2;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.SnapshotTable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an image's internal snapshot table entry by entry (the table's size is only known by walking it), decoding
 * each with {@link SnapshotTable}; stops at the end of the file or QEMU's 64 MiB table limit.
 */
public final class SnapshotTableReader {

    /** The entries and the bytes the table occupies. */
    public record Contents(List<SnapshotTable.Snapshot> entries, long bytes) {
    }

    private SnapshotTableReader() {
    }

    public static Contents read(FileChannel file, Qcow2Header header) throws IOException {
        long count = Integer.toUnsignedLong(header.nbSnapshots());
        long start = header.snapshotsOffset();
        long fileSize = file.size();
        List<SnapshotTable.Snapshot> entries = new ArrayList<>();
        long at = start;
        ByteBuffer fixed = ByteBuffer.allocate(SnapshotTable.FIXED_LENGTH);
        for (long n = 0; n < count; n++) {
            FileIo.read(file, fixed.clear(), at);
            SnapshotTable.EntrySizes sizes = SnapshotTable.sizes(fixed, n);
            long size = sizes.length();
            if (at + size > fileSize || at + size - start > SnapshotTable.MAX_TABLE_BYTES) {
                throw new EngineException(ErrorCode.INVALID_IMAGE, "snapshot table entry " + n + " at 0x"
                        + Long.toHexString(at) + " runs past the end of the file or the 64 MiB table limit");
            }
            ByteBuffer entry = FileIo.read(file, ByteBuffer.allocate(sizes.length()), at);
            entries.add(SnapshotTable.readEntry(entry, n));
            at += sizes.paddedLength();
        }
        return new Contents(entries, at - start);
    }
}
