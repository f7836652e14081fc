package qcowdesk.engine.contents.partition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.io.Le;

/**
 * The DOS partition table: four primary entries in sector 0 and, for an extended partition, a chain of extended
 * boot records each holding one logical partition and a link to the next. The chain comes from the guest, so it
 * is capped and a link back to a record already read ends it with a warning.
 */
final class MbrReader {

    static final int MAX_LOGICAL = 128;
    private static final int ENTRIES_AT = 0x1be;
    private static final int ENTRY_SIZE = 16;
    static final int PROTECTIVE = 0xee;

    /** One 16-byte entry as stored. */
    record Entry(int status, int type, long startLba, long sectors) {
        boolean empty() {
            return type == 0 || sectors == 0;
        }

        boolean extended() {
            return type == 0x05 || type == 0x0f || type == 0x85;
        }
    }

    private MbrReader() {
    }

    /** Whether the sector ends with the boot signature 55 AA and its entries' status bytes are plausible. */
    static boolean looksLikeMbr(byte[] sector0) {
        if (Le.u8(sector0, 510) != 0x55 || Le.u8(sector0, 511) != 0xaa) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            int status = Le.u8(sector0, ENTRIES_AT + i * ENTRY_SIZE);
            if (status != 0 && status != 0x80) {
                return false;
            }
        }
        return true;
    }

    static List<Entry> entries(byte[] sector) {
        List<Entry> entries = new ArrayList<>(4);
        for (int i = 0; i < 4; i++) {
            int at = ENTRIES_AT + i * ENTRY_SIZE;
            entries.add(new Entry(Le.u8(sector, at), Le.u8(sector, at + 4), Le.u32(sector, at + 8),
                    Le.u32(sector, at + 12)));
        }
        return entries;
    }

    static String diskId(byte[] sector0) {
        return String.format(Locale.ROOT, "0x%08x", Le.u32(sector0, 440));
    }

    /** Reads the primary entries and the logical chain, with {@code sectorSize}-byte sectors. */
    static List<Partition> read(ByteSource disk, byte[] sector0, int sectorSize, List<String> warnings)
            throws IOException {
        List<Partition> out = new ArrayList<>();
        List<Entry> primary = entries(sector0);
        Entry extended = null;
        for (int i = 0; i < 4; i++) {
            Entry e = primary.get(i);
            if (e.empty()) {
                continue;
            }
            out.add(partition(i + 1, e, e.startLba(), sectorSize));
            if (e.extended()) {
                if (extended != null) {
                    warnings.add("MBR: more than one extended partition; only the first is followed");
                } else {
                    extended = e;
                }
            }
        }
        if (extended != null) {
            readLogical(disk, extended, sectorSize, out, warnings);
        }
        return out;
    }

    private static void readLogical(ByteSource disk, Entry extended, int sectorSize, List<Partition> out,
                                    List<String> warnings) throws IOException {
        long base = extended.startLba();
        long ebr = base;
        Set<Long> seen = new HashSet<>();
        int number = 5;
        while (true) {
            if (!seen.add(ebr)) {
                warnings.add("MBR: the extended partition chain loops back to sector " + ebr + "; stopped there");
                return;
            }
            if (number - 4 > MAX_LOGICAL) {
                warnings.add("MBR: more than " + MAX_LOGICAL + " logical partitions; the rest are ignored");
                return;
            }
            byte[] sector;
            try {
                sector = disk.bytes(ebr * sectorSize, 512);
            } catch (ContentsException e) {
                warnings.add("MBR: extended boot record at sector " + ebr + " is outside the disk");
                return;
            }
            if (Le.u8(sector, 510) != 0x55 || Le.u8(sector, 511) != 0xaa) {
                warnings.add("MBR: extended boot record at sector " + ebr + " has no 55 AA signature; chain ends");
                return;
            }
            List<Entry> entries = entries(sector);
            Entry logical = entries.get(0);
            Entry next = entries.get(1);
            if (!logical.empty()) {
                out.add(partition(number++, logical, ebr + logical.startLba(), sectorSize));
            }
            if (next.empty() || !next.extended()) {
                return;
            }
            ebr = base + next.startLba();
        }
    }

    private static Partition partition(int number, Entry e, long start, int sectorSize) {
        String type = Integer.toHexString(e.type());
        return new Partition(number, start, e.sectors(), sectorSize, type, PartitionTypes.mbrName(e.type()), "", "",
                e.status() == 0x80, e.extended());
    }
}
