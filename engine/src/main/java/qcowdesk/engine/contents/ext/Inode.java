package qcowdesk.engine.contents.ext;

import java.time.Instant;
import java.util.Arrays;

import qcowdesk.engine.contents.io.Le;

/** An inode as stored (128 bytes and the extra fields after them), with the values the reader uses. */
record Inode(long number, int mode, long uid, long gid, long size, int links, long flags, byte[] iBlock,
             Instant accessed, Instant changed, Instant modified, long deleted, byte[] raw, int extraSize) {

    static final long FLAG_HTREE = 0x1000;
    static final long FLAG_HUGE_FILE = 0x40000;
    static final long FLAG_EXTENTS = 0x80000;
    static final long FLAG_ENCRYPTED = 0x800;
    static final long FLAG_INLINE_DATA = 0x10000000;
    static final int I_BLOCK = 0x28;
    static final int I_BLOCK_SIZE = 60;

    static Inode parse(long number, byte[] raw) {
        int extra = raw.length > 128 ? Le.u16(raw, 0x80) : 0;
        if (extra > raw.length - 128) {
            extra = 0;
        }
        long size = Le.u32(raw, 4) | Le.u32(raw, 0x6c) << 32;
        return new Inode(number, Le.u16(raw, 0), Le.u16(raw, 2) | (long) Le.u16(raw, 0x78) << 16,
                Le.u16(raw, 0x18) | (long) Le.u16(raw, 0x7a) << 16, size, Le.u16(raw, 0x1a), Le.u32(raw, 0x20),
                Arrays.copyOfRange(raw, I_BLOCK, I_BLOCK + I_BLOCK_SIZE), time(raw, 0x08, 0x8c, extra),
                time(raw, 0x0c, 0x84, extra), time(raw, 0x10, 0x88, extra), Le.u32(raw, 0x14), raw, extra);
    }

    /**
     * Seconds (signed 32 bits) plus, when the inode is large enough, the extra word: two epoch bits extending the
     * seconds past 2038 and 30 bits of nanoseconds.
     */
    private static Instant time(byte[] raw, int at, int extraAt, int extra) {
        long seconds = (int) Le.u32(raw, at);
        long nanos = 0;
        if (extra >= extraAt - 0x80 + 4) {
            long x = Le.u32(raw, extraAt);
            seconds += (x & 3) << 32;
            nanos = x >>> 2;
            if (nanos > 999_999_999) {
                nanos = 0;
            }
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    boolean has(long flag) {
        return (flags & flag) != 0;
    }

    /** 512-byte sectors (or blocks, with huge_file) the inode accounts for, including its xattr block. */
    long blocks512() {
        return Le.u32(raw, 0x1c) | (long) Le.u16(raw, 0x74) << 32;
    }

    long fileAcl() {
        return Le.u32(raw, 0x68) | (long) Le.u16(raw, 0x76) << 32;
    }

    /** The value of an extended attribute kept in the inode's extra space, or null (bounded by the inode). */
    byte[] inlineXattr(int nameIndex, String name) {
        int start = 128 + extraSize;
        if (start + 4 > raw.length || Le.u32(raw, start) != 0xea020000L) {
            return null;
        }
        int first = start + 4;
        int e = first;
        while (e + 16 <= raw.length) {
            int nameLen = Le.u8(raw, e);
            int index = Le.u8(raw, e + 1);
            if (nameLen == 0 && index == 0 && Le.u32(raw, e) == 0) {
                return null;
            }
            int valueOffset = Le.u16(raw, e + 2);
            long valueSize = Le.u32(raw, e + 8);
            if (e + 16 + nameLen > raw.length) {
                return null;
            }
            String entryName = new String(raw, e + 16, nameLen, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (index == nameIndex && entryName.equals(name)) {
                if (first + valueOffset + valueSize > raw.length) {
                    return null;
                }
                return Arrays.copyOfRange(raw, first + valueOffset, (int) (first + valueOffset + valueSize));
            }
            e += (16 + nameLen + 3) & ~3;
        }
        return null;
    }
}
