package qcowdesk.engine.contents.io;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Little-endian (and the few big-endian) field reads from on-disk structures, plus the text forms of IDs. */
public final class Le {

    private Le() {
    }

    public static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    public static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    public static long u32(byte[] b, int at) {
        return (u16(b, at) | (long) u16(b, at + 2) << 16) & 0xffffffffL;
    }

    public static long u64(byte[] b, int at) {
        return u32(b, at) | u32(b, at + 4) << 32;
    }

    public static int be16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    public static long be32(byte[] b, int at) {
        return ((long) be16(b, at) << 16 | be16(b, at + 2)) & 0xffffffffL;
    }

    public static long be64(byte[] b, int at) {
        return be32(b, at) << 32 | be32(b, at + 4);
    }

    /** Whether {@code b} holds the ASCII {@code magic} at {@code at}. */
    public static boolean ascii(byte[] b, int at, String magic) {
        if (at < 0 || at + magic.length() > b.length) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if (b[at + i] != (byte) magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A NUL-terminated (or full-width) string, UTF-8, trailing spaces kept. */
    public static String cString(byte[] b, int at, int max) {
        int end = at;
        while (end < at + max && end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, at, end - at, StandardCharsets.UTF_8);
    }

    /** A UTF-16LE string of at most {@code maxChars}, stopping at the first NUL. */
    public static String utf16(byte[] b, int at, int maxChars) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < maxChars && at + 2 * i + 1 < b.length; i++) {
            char c = (char) u16(b, at + 2 * i);
            if (c == 0) {
                break;
            }
            s.append(c);
        }
        return s.toString();
    }

    /** 16 bytes as an RFC 4122 UUID in lower case, the bytes in the order they are stored (ext, XFS, Btrfs, LUKS). */
    public static String uuid(byte[] b, int at) {
        StringBuilder s = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                s.append('-');
            }
            s.append(String.format(Locale.ROOT, "%02x", b[at + i] & 0xff));
        }
        return s.toString();
    }

    /** 16 bytes as a Microsoft GUID (first three fields little-endian), upper case as sfdisk prints it. */
    public static String guid(byte[] b, int at) {
        return String.format(Locale.ROOT, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
                u32(b, at), u16(b, at + 4), u16(b, at + 6), b[at + 8], b[at + 9],
                b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15]);
    }

    public static boolean allZero(byte[] b, int at, int length) {
        for (int i = at; i < at + length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
