package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.Qcow2Header;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The internal snapshot table (docs/interop/qcow2.txt, "Snapshots"), read entry by entry with QEMU's limits: at
 * most 1 KiB of extra data per entry and 64 MiB for the whole table.
 */
final class SnapshotTable {

    static final int MAX_EXTRA_DATA = 1024;
    static final long MAX_TABLE_BYTES = 64L << 20;
    private static final int FIXED = 40;

    /** One snapshot; {@code icount} is -1 when the entry does not record it. */
    record Entry(long l1TableOffset, long l1Size, String id, String name, long dateSec, long dateNsec,
                 long vmClockNsec, long vmStateSize, long icount) {
    }

    /** The entries and the bytes the table occupies. */
    record Contents(List<Entry> entries, long bytes) {
    }

    private SnapshotTable() {
    }

    static Contents read(FileChannel file, Qcow2Header header) throws IOException {
        long count = Integer.toUnsignedLong(header.nbSnapshots());
        long start = header.snapshotsOffset();
        long fileSize = file.size();
        List<Entry> entries = new ArrayList<>();
        long at = start;
        ByteBuffer fixed = ByteBuffer.allocate(FIXED);
        for (long n = 0; n < count; n++) {
            FileIo.read(file, fixed.clear(), at);
            int idSize = Short.toUnsignedInt(fixed.getShort(12));
            int nameSize = Short.toUnsignedInt(fixed.getShort(14));
            long extraSize = Integer.toUnsignedLong(fixed.getInt(36));
            if (extraSize > MAX_EXTRA_DATA) {
                throw invalid("snapshot " + n + " has " + extraSize + " bytes of extra data (at most "
                        + MAX_EXTRA_DATA + ")");
            }
            long size = FIXED + extraSize + idSize + nameSize;
            if (at + size > fileSize || at + size - start > MAX_TABLE_BYTES) {
                throw invalid("snapshot table entry " + n + " at 0x" + Long.toHexString(at)
                        + " runs past the end of the file or the 64 MiB table limit");
            }
            ByteBuffer rest = FileIo.read(file, ByteBuffer.allocate((int) (size - FIXED)), at + FIXED);
            long vmStateSize = Integer.toUnsignedLong(fixed.getInt(32));
            long icount = -1;
            if (extraSize >= 8) {
                vmStateSize = rest.getLong(0);
            }
            if (extraSize >= 24) {
                icount = rest.getLong(16);
            }
            byte[] text = new byte[idSize + nameSize];
            rest.get((int) extraSize, text);
            entries.add(new Entry(fixed.getLong(0), Integer.toUnsignedLong(fixed.getInt(8)),
                    new String(text, 0, idSize, StandardCharsets.UTF_8),
                    new String(text, idSize, nameSize, StandardCharsets.UTF_8),
                    Integer.toUnsignedLong(fixed.getInt(16)), Integer.toUnsignedLong(fixed.getInt(20)),
                    fixed.getLong(24), vmStateSize, icount));
            at += (size + 7) & ~7L;
        }
        return new Contents(entries, at - start);
    }

    private static EngineException invalid(String message) {
        return new EngineException(ErrorCode.INVALID_IMAGE, message);
    }
}
