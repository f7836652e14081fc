package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.HeaderExtension;
import qcowdesk.engine.qcow2.Qcow2Header;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The persistent dirty bitmaps of an image (docs/interop/qcow2.txt, "Bitmaps extension"). QEMU trusts them only
 * while the autoclear bitmaps bit is set; without it they are stale and read as none.
 */
final class BitmapDirectory {

    /** QEMU's limit on the directory (QCOW2_MAX_BITMAP_DIRECTORY_SIZE). */
    static final long MAX_DIRECTORY_BYTES = 64L << 20;
    static final int FLAG_IN_USE = 1;
    static final int FLAG_AUTO = 2;
    private static final int ENTRY_FIXED = 24;

    record Entry(long tableOffset, long tableSize, int flags, int granularityBits, String name) {
    }

    /** The bitmaps, and where their directory lies (both zero without bitmaps). */
    record Contents(List<Entry> entries, long directoryOffset, long directorySize) {
    }

    private BitmapDirectory() {
    }

    static Contents read(FileChannel file, Qcow2Header header) throws IOException {
        Optional<HeaderExtension> ext = header.extension(HeaderExtension.BITMAPS);
        if (ext.isEmpty() || (header.autoclearFeatures() & Qcow2Header.AUTOCLEAR_BITMAPS) == 0) {
            return new Contents(List.of(), 0, 0);
        }
        ByteBuffer d = ByteBuffer.wrap(ext.get().data());
        if (d.remaining() < 24) {
            throw invalid("the bitmaps header extension is too short (" + d.remaining() + " bytes)");
        }
        long count = Integer.toUnsignedLong(d.getInt(0));
        long dirSize = d.getLong(8);
        long dirOffset = d.getLong(16);
        if (dirSize < 0 || dirSize > MAX_DIRECTORY_BYTES || dirOffset < 0 || dirOffset > file.size() - dirSize) {
            throw invalid("bitmap directory (offset 0x" + Long.toHexString(dirOffset) + ", " + dirSize
                    + " bytes) is out of range");
        }
        ByteBuffer dir = FileIo.read(file, ByteBuffer.allocate((int) dirSize), dirOffset);
        List<Entry> entries = new ArrayList<>();
        long at = 0;
        for (long n = 0; n < count; n++) {
            if (at + ENTRY_FIXED > dirSize) {
                throw invalid("bitmap directory holds fewer than the " + count + " bitmaps it claims");
            }
            int p = (int) at;
            int nameSize = Short.toUnsignedInt(dir.getShort(p + 18));
            long extra = Integer.toUnsignedLong(dir.getInt(p + 20));
            long size = ENTRY_FIXED + extra + nameSize;
            if (at + size > dirSize) {
                throw invalid("bitmap directory entry " + n + " runs past the directory's end");
            }
            byte[] name = new byte[nameSize];
            dir.get((int) (at + ENTRY_FIXED + extra), name);
            entries.add(new Entry(dir.getLong(p), Integer.toUnsignedLong(dir.getInt(p + 8)), dir.getInt(p + 12),
                    dir.get(p + 17) & 0xff, new String(name, StandardCharsets.UTF_8)));
            at += (size + 7) & ~7L;
        }
        return new Contents(entries, dirOffset, dirSize);
    }

    private static EngineException invalid(String message) {
        return new EngineException(ErrorCode.INVALID_IMAGE, message);
    }
}
