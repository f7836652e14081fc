package qcowdesk.engine.contents.partition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.io.Le;

/**
 * The GUID partition table: a header at LBA 1 (and its backup at the last LBA) pointing at an array of entries,
 * both covered by CRC32s. A header whose CRC, own LBA or entry array fails is not used; the backup is then tried,
 * as firmware and libfdisk do. Entry counts and sizes are capped before anything is allocated.
 */
final class GptReader {

    static final String SIGNATURE = "EFI PART";
    static final int MAX_ENTRIES = 4096;
    static final int MAX_ENTRY_SIZE = 4096;
    static final long MAX_ARRAY_BYTES = 1 << 20;
    private static final int MIN_HEADER_SIZE = 92;

    /** A header that passed its checks. */
    record Header(long myLba, long alternateLba, long firstUsable, long lastUsable, String diskGuid, long entriesLba,
                  int entryCount, int entrySize, long entriesCrc) {
    }

    /** The table as read: its header (primary or backup) and its partitions. */
    record Table(Header header, List<Partition> partitions) {
    }

    private GptReader() {
    }

    /** Whether the sector at LBA 1 for {@code sectorSize} carries the GPT signature (checked or not). */
    static boolean signatureAt(ByteSource disk, int sectorSize) throws IOException {
        if (!disk.contains(sectorSize, 8)) {
            return false;
        }
        return Le.ascii(disk.bytes(sectorSize, 8), 0, SIGNATURE);
    }

    /** Reads the primary table, else the backup; throws when neither is valid. */
    static Table read(ByteSource disk, int sectorSize, List<String> warnings) throws IOException {
        long lastLba = disk.size() / sectorSize - 1;
        String primaryProblem;
        try {
            Table t = readAt(disk, 1, sectorSize);
            if (t.header().alternateLba() != lastLba) {
                warnings.add("GPT: the backup header is expected at LBA " + t.header().alternateLba()
                        + " but the disk ends at LBA " + lastLba + " (the disk was resized?)");
            } else if (!backupValid(disk, lastLba, sectorSize)) {
                warnings.add("GPT: the backup header at LBA " + lastLba + " is missing or damaged");
            }
            return t;
        } catch (ContentsException e) {
            primaryProblem = e.getMessage();
        }
        try {
            Table t = readAt(disk, lastLba, sectorSize);
            warnings.add("GPT: the primary header is damaged (" + primaryProblem + "); using the backup at LBA "
                    + lastLba);
            return t;
        } catch (ContentsException e) {
            throw new ContentsException("GPT: primary header damaged (" + primaryProblem + ") and backup header "
                    + "damaged (" + e.getMessage() + ")");
        }
    }

    private static boolean backupValid(ByteSource disk, long lba, int sectorSize) throws IOException {
        try {
            readAt(disk, lba, sectorSize);
            return true;
        } catch (ContentsException e) {
            return false;
        }
    }

    static Table readAt(ByteSource disk, long lba, int sectorSize) throws IOException {
        Header h = header(disk, lba, sectorSize);
        long arrayBytes = (long) h.entryCount() * h.entrySize();
        byte[] array = disk.bytes(h.entriesLba() * sectorSize, (int) arrayBytes);
        CRC32 crc = new CRC32();
        crc.update(array);
        if (crc.getValue() != h.entriesCrc()) {
            throw new ContentsException(String.format("partition entry array CRC32 is %08x, the header says %08x",
                    crc.getValue(), h.entriesCrc()));
        }
        List<Partition> partitions = new ArrayList<>();
        for (int i = 0; i < h.entryCount(); i++) {
            int at = i * h.entrySize();
            if (Le.allZero(array, at, 16)) {
                continue;
            }
            String type = Le.guid(array, at);
            long first = Le.u64(array, at + 32);
            long last = Le.u64(array, at + 40);
            long attributes = Le.u64(array, at + 48);
            if (last < first) {
                throw new ContentsException("partition entry " + (i + 1) + " ends (LBA " + last
                        + ") before it starts (LBA " + first + ")");
            }
            partitions.add(new Partition(i + 1, first, last - first + 1, sectorSize, type,
                    PartitionTypes.gptName(type), Le.utf16(array, at + 56, 36), Le.guid(array, at + 16),
                    (attributes & 4) != 0, false));
        }
        return new Table(h, partitions);
    }

    private static Header header(ByteSource disk, long lba, int sectorSize) throws IOException {
        if (lba < 1 || !disk.contains(lba * sectorSize, sectorSize)) {
            throw new ContentsException("header LBA " + lba + " is outside the disk");
        }
        byte[] b = disk.bytes(lba * sectorSize, sectorSize);
        if (!Le.ascii(b, 0, SIGNATURE)) {
            throw new ContentsException("no 'EFI PART' signature at LBA " + lba);
        }
        long headerSize = Le.u32(b, 12);
        if (headerSize < MIN_HEADER_SIZE || headerSize > sectorSize) {
            throw new ContentsException("header size " + headerSize + " at LBA " + lba + " is not within "
                    + MIN_HEADER_SIZE + ".." + sectorSize);
        }
        long stored = Le.u32(b, 16);
        byte[] copy = java.util.Arrays.copyOf(b, (int) headerSize);
        java.util.Arrays.fill(copy, 16, 20, (byte) 0);
        CRC32 crc = new CRC32();
        crc.update(copy);
        if (crc.getValue() != stored) {
            throw new ContentsException(String.format("header CRC32 at LBA %d is %08x, the header says %08x", lba,
                    crc.getValue(), stored));
        }
        long myLba = Le.u64(b, 24);
        if (myLba != lba) {
            throw new ContentsException("header at LBA " + lba + " says it is at LBA " + myLba);
        }
        long count = Le.u32(b, 80);
        long size = Le.u32(b, 84);
        if (count > MAX_ENTRIES) {
            throw new ContentsException("header at LBA " + lba + " claims " + count + " partition entries (at most "
                    + MAX_ENTRIES + " are read)");
        }
        if (size < 128 || size > MAX_ENTRY_SIZE || size % 8 != 0) {
            throw new ContentsException("partition entry size " + size + " at LBA " + lba
                    + " is not a multiple of 8 within 128.." + MAX_ENTRY_SIZE);
        }
        if (count * size > MAX_ARRAY_BYTES) {
            throw new ContentsException("partition entry array of " + count * size + " bytes is too large");
        }
        long entriesLba = Le.u64(b, 72);
        if (entriesLba > disk.size() / sectorSize || !disk.contains(entriesLba * sectorSize, count * size)) {
            throw new ContentsException("partition entry array at LBA " + entriesLba + " is outside the disk");
        }
        return new Header(myLba, Le.u64(b, 32), Le.u64(b, 40), Le.u64(b, 48), Le.guid(b, 56), entriesLba,
                (int) count, (int) size, Le.u32(b, 88));
    }
}
