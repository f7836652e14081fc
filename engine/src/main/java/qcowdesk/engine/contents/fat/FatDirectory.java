package qcowdesk.engine.contents.fat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

import qcowdesk.engine.contents.io.Le;
import qcowdesk.engine.contents.fs.Listing;

/**
 * 32-byte FAT directory entries, with VFAT long names: a run of long-name entries (attribute 0x0F), last part
 * first, each carrying the checksum of the 8.3 entry that follows them. A run whose checksum or sequence does not
 * match is dropped and the short name is used, as Windows does.
 */
final class FatDirectory {

    static final int ATTR_READ_ONLY = 0x01;
    static final int ATTR_VOLUME_ID = 0x08;
    static final int ATTR_DIRECTORY = 0x10;
    static final int ATTR_LONG_NAME = 0x0f;
    private static final int[] LFN_CHARS = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

    /** One entry as stored; {@code position} is its byte offset on the volume (unique: used as the node id). */
    record Entry(String name, String shortName, int attributes, long firstCluster, long size, Instant modified,
                 Instant accessed, Instant created, long position) {
        boolean directory() {
            return (attributes & ATTR_DIRECTORY) != 0;
        }
    }

    private FatDirectory() {
    }

    /** A long name being collected: its entries may straddle the clusters of a directory. */
    static final class LongName {
        private StringBuilder name;
        private int expectedOrder;
        private int checksum = -1;
    }

    /**
     * Appends the entries of one directory buffer (a cluster, or a FAT12/16 root) to {@code out}; returns false at
     * the end-of-directory mark. {@code state} carries a long name across buffers.
     */
    static boolean parse(byte[] dir, Positions positions, boolean fat32, LongName state, List<Entry> out,
                         List<Listing.EntryError> errors, int maxEntries) {
        StringBuilder longName = state.name;
        int expectedOrder = state.expectedOrder;
        int checksum = state.checksum;
        for (int e = 0; e + 32 <= dir.length; e += 32) {
            int first = Le.u8(dir, e);
            if (first == 0) {
                return false;
            }
            if (first == 0xe5) {
                longName = null;
                continue;
            }
            int attr = Le.u8(dir, e + 11);
            if (attr == ATTR_LONG_NAME) {
                int order = first & 0x1f;
                if ((first & 0x40) != 0) {
                    longName = new StringBuilder();
                    expectedOrder = order;
                    checksum = Le.u8(dir, e + 13);
                }
                if (longName == null || order != expectedOrder || order == 0 || Le.u8(dir, e + 13) != checksum) {
                    longName = null;
                    continue;
                }
                StringBuilder part = new StringBuilder();
                for (int at : LFN_CHARS) {
                    char c = (char) Le.u16(dir, e + at);
                    if (c == 0 || c == 0xffff) {
                        break;
                    }
                    part.append(c);
                }
                longName.insert(0, part);
                expectedOrder--;
                continue;
            }
            if ((attr & ATTR_VOLUME_ID) != 0) {
                longName = null;
                continue;
            }
            String shortName = shortName(dir, e);
            String name = shortName;
            if (longName != null && expectedOrder == 0 && checksum == shortChecksum(dir, e)) {
                name = longName.toString();
            }
            longName = null;
            if (shortName.equals(".") || shortName.equals("..")) {
                continue;
            }
            if (out.size() >= maxEntries) {
                errors.add(new Listing.EntryError("?", "more than " + maxEntries + " entries; the rest are not listed"));
                return false;
            }
            if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
                errors.add(new Listing.EntryError(name, "name contains '/' or NUL"));
                continue;
            }
            long cluster = Le.u16(dir, e + 26) | (fat32 ? (long) Le.u16(dir, e + 20) << 16 : 0);
            out.add(new Entry(name, shortName, attr, cluster, Le.u32(dir, e + 28),
                    time(Le.u16(dir, e + 24), Le.u16(dir, e + 22), 0), time(Le.u16(dir, e + 18), 0, 0),
                    time(Le.u16(dir, e + 16), Le.u16(dir, e + 14), Le.u8(dir, e + 13)), positions.of(e)));
        }
        state.name = longName;
        state.expectedOrder = expectedOrder;
        state.checksum = checksum;
        return true;
    }

    /** The volume offset of the entry at byte {@code i} of a directory buffer. */
    interface Positions {
        long of(int i);
    }

    /** The 8.3 name as mtools shows it, with the lower-case flags of byte 12 (set by Windows NT and mtools). */
    static String shortName(byte[] dir, int e) {
        int flags = Le.u8(dir, e + 12);
        byte[] raw = java.util.Arrays.copyOfRange(dir, e, e + 11);
        if ((raw[0] & 0xff) == 0x05) {
            raw[0] = (byte) 0xe5;
        }
        String base = new String(raw, 0, 8, StandardCharsets.ISO_8859_1).stripTrailing();
        String ext = new String(raw, 8, 3, StandardCharsets.ISO_8859_1).stripTrailing();
        if ((flags & 0x08) != 0) {
            base = base.toLowerCase(Locale.ROOT);
        }
        if ((flags & 0x10) != 0) {
            ext = ext.toLowerCase(Locale.ROOT);
        }
        return ext.isEmpty() ? base : base + "." + ext;
    }

    static int shortChecksum(byte[] dir, int e) {
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            sum = (((sum & 1) << 7) | ((sum & 0xfe) >>> 1)) + (dir[e + i] & 0xff);
            sum &= 0xff;
        }
        return sum;
    }

    /** A FAT date and time (local time as written; read as UTC), or the epoch when unset or invalid. */
    static Instant time(int date, int time, int tenths) {
        if (date == 0) {
            return Instant.EPOCH;
        }
        try {
            LocalDateTime t = LocalDateTime.of(1980 + (date >>> 9), (date >>> 5) & 0xf, date & 0x1f,
                    time >>> 11, (time >>> 5) & 0x3f, (time & 0x1f) * 2);
            return t.plusNanos(tenths * 10_000_000L).toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException invalid) {
            return Instant.EPOCH;
        }
    }
}
