package qcowdesk.engine.qcow2.format;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The persistent dirty bitmaps (docs/interop/qcow2.txt, "Bitmaps extension"): the extension's payload that locates
 * the bitmap directory, the directory's entries, and the bitmap table entries. QEMU trusts them only while the
 * autoclear bitmaps bit is set.
 */
public final class BitmapDirectory {

    /** QEMU's limit on the directory (QCOW2_MAX_BITMAP_DIRECTORY_SIZE). */
    public static final long MAX_DIRECTORY_BYTES = 64L << 20;
    public static final int FLAG_IN_USE = 1;
    public static final int FLAG_AUTO = 2;
    /** The fixed part of a directory entry, before extra data and name. */
    public static final int ENTRY_FIXED_LENGTH = 24;
    /** The bitmaps extension's payload. */
    public static final int EXTENSION_LENGTH = 24;
    /** Bits 9..55 of a bitmap table entry: the host offset of a data cluster. */
    public static final long TABLE_ENTRY_OFFSET_MASK = 0x00fffffffffffe00L;

    private BitmapDirectory() {
    }

    /** The bitmaps extension: how many bitmaps, and where their directory is. */
    public record Extension(long count, long directorySize, long directoryOffset) {
        public static Extension read(byte[] payload) throws EngineException {
            if (payload.length < EXTENSION_LENGTH) {
                throw invalid("the bitmaps header extension is too short (" + payload.length + " bytes)");
            }
            ByteBuffer d = ByteBuffer.wrap(payload);
            return new Extension(Integer.toUnsignedLong(d.getInt(0)), d.getLong(8), d.getLong(16));
        }

        public byte[] write() {
            return ByteBuffer.allocate(EXTENSION_LENGTH).putInt(0, (int) count).putLong(8, directorySize)
                    .putLong(16, directoryOffset).array();
        }
    }

    /** One directory entry. */
    public record Entry(long tableOffset, long tableSize, int flags, int type, int granularityBits, String name) {
    }

    /** Decodes {@code count} entries from the whole directory. */
    public static List<Entry> read(ByteBuffer dir, long count) throws EngineException {
        long dirSize = dir.remaining();
        int base = dir.position();
        List<Entry> entries = new ArrayList<>();
        long at = 0;
        for (long n = 0; n < count; n++) {
            if (at + ENTRY_FIXED_LENGTH > dirSize) {
                throw invalid("bitmap directory holds fewer than the " + count + " bitmaps it claims");
            }
            int p = base + (int) at;
            int nameSize = Short.toUnsignedInt(dir.getShort(p + 18));
            long extra = Integer.toUnsignedLong(dir.getInt(p + 20));
            long size = ENTRY_FIXED_LENGTH + extra + nameSize;
            if (at + size > dirSize) {
                throw invalid("bitmap directory entry " + n + " runs past the directory's end");
            }
            byte[] name = new byte[nameSize];
            dir.get((int) (p + ENTRY_FIXED_LENGTH + extra), name);
            entries.add(new Entry(dir.getLong(p), Integer.toUnsignedLong(dir.getInt(p + 8)), dir.getInt(p + 12),
                    dir.get(p + 16) & 0xff, dir.get(p + 17) & 0xff, new String(name, StandardCharsets.UTF_8)));
            at += (size + 7) & ~7L;
        }
        return entries;
    }

    private static EngineException invalid(String message) {
        return new EngineException(ErrorCode.INVALID_IMAGE, message);
    }
}
