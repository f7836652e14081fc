package qcowdesk.engine.contents.partition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.Le;

/**
 * Finds the partition table of a disk. GPT is looked for at LBA 1 for 512-byte sectors and for 4096-byte sectors:
 * where its signature is says which sector size the disk was partitioned with, whatever the sector size it is
 * attached with. A valid MBR without a protective entry is read as a DOS table; an MBR whose protective entry
 * sits beside other entries is a hybrid, reported as such.
 */
public final class PartitionScanner {

    private static final int[] SECTOR_SIZES = {512, 4096};

    private PartitionScanner() {
    }

    /**
     * @param attachSectorSize the sector size the disk is seen with (512 for an image file)
     */
    public static PartitionTable scan(ByteSource disk, int attachSectorSize) throws IOException {
        List<String> warnings = new ArrayList<>();
        if (disk.size() < 512) {
            return none(attachSectorSize, warnings);
        }
        byte[] sector0 = disk.bytes(0, 512);
        boolean mbr = MbrReader.looksLikeMbr(sector0);
        List<MbrReader.Entry> mbrEntries = mbr ? MbrReader.entries(sector0) : List.of();
        boolean protective = mbrEntries.stream().anyMatch(e -> e.type() == MbrReader.PROTECTIVE);
        for (int sectorSize : gptOrder(attachSectorSize)) {
            if (GptReader.signatureAt(disk, sectorSize)) {
                GptReader.Table t = GptReader.read(disk, sectorSize, warnings);
                boolean hybrid = protective && mbrEntries.stream()
                        .anyMatch(e -> !e.empty() && e.type() != MbrReader.PROTECTIVE);
                if (!protective) {
                    warnings.add("GPT without a protective MBR entry (type ee)");
                }
                mismatch(sectorSize, attachSectorSize, warnings);
                GptReader.Header h = t.header();
                return new PartitionTable(PartitionScheme.GPT, sectorSize, attachSectorSize, h.diskGuid(),
                        h.firstUsable(), h.lastUsable(), t.partitions(), hybrid, warnings);
            }
        }
        if (!mbr || protective || FilesystemAtZero.looksLikeBootSector(sector0)) {
            if (protective) {
                warnings.add("protective MBR without a readable GPT header");
            }
            return none(attachSectorSize, warnings);
        }
        int sectorSize = mbrSectorSize(disk, sector0, attachSectorSize);
        mismatch(sectorSize, attachSectorSize, warnings);
        List<Partition> parts = MbrReader.read(disk, sector0, sectorSize, warnings);
        return new PartitionTable(PartitionScheme.MBR, sectorSize, attachSectorSize, MbrReader.diskId(sector0), 0,
                0, parts, false, warnings);
    }

    private static int[] gptOrder(int attachSectorSize) {
        return attachSectorSize == 4096 ? new int[] {4096, 512} : SECTOR_SIZES;
    }

    /**
     * An MBR has no sector size of its own. Entries that reach past the end of the disk in the attached size but fit
     * in 4096-byte sectors betray a table written on a 4Kn disk.
     */
    private static int mbrSectorSize(ByteSource disk, byte[] sector0, int attachSectorSize) {
        long sectors512 = disk.size() / attachSectorSize;
        boolean fits = true;
        boolean fits4k = true;
        boolean any = false;
        for (MbrReader.Entry e : MbrReader.entries(sector0)) {
            if (e.empty()) {
                continue;
            }
            any = true;
            fits &= e.startLba() + e.sectors() <= sectors512;
            fits4k &= e.startLba() + e.sectors() <= disk.size() / 4096;
        }
        if (any && !fits && fits4k && attachSectorSize != 4096) {
            return 4096;
        }
        return attachSectorSize;
    }

    private static void mismatch(int tableSectorSize, int attachSectorSize, List<String> warnings) {
        if (tableSectorSize != attachSectorSize) {
            warnings.add(SectorSizeWarning.text(tableSectorSize, attachSectorSize));
        }
    }

    private static PartitionTable none(int attachSectorSize, List<String> warnings) {
        return new PartitionTable(PartitionScheme.NONE, attachSectorSize, attachSectorSize, "", 0, 0, List.of(),
                false, warnings);
    }

    /** Sector 0 of an unpartitioned FAT, exFAT or NTFS volume also ends in 55 AA; its jump and OEM name tell. */
    static final class FilesystemAtZero {
        private FilesystemAtZero() {
        }

        static boolean looksLikeBootSector(byte[] s) {
            boolean jump = (s[0] & 0xff) == 0xeb && (s[2] & 0xff) == 0x90 || (s[0] & 0xff) == 0xe9;
            if (!jump) {
                return false;
            }
            if (Le.ascii(s, 3, "NTFS    ") || Le.ascii(s, 3, "EXFAT   ")) {
                return true;
            }
            int bytesPerSector = Le.u16(s, 11);
            int sectorsPerCluster = Le.u8(s, 13);
            int fats = Le.u8(s, 16);
            return (bytesPerSector == 512 || bytesPerSector == 1024 || bytesPerSector == 2048
                    || bytesPerSector == 4096) && Integer.bitCount(sectorsPerCluster) == 1 && fats >= 1 && fats <= 4;
        }
    }
}
