package qcowdesk.engine.contents.fat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.io.Le;

/**
 * The BIOS parameter block of a FAT volume. The FAT width follows from the cluster count, as the specification
 * (fatgen103) says, not from the type string.
 */
public record FatBootSector(int bytesPerSector, int sectorsPerCluster, int reservedSectors, int fatCount,
                            int rootEntries, long totalSectors, long sectorsPerFat, long rootCluster,
                            int fsInfoSector, long clusterCount, int bits) {

    static final int FAT12_MAX = 4085;
    static final int FAT16_MAX = 65525;

    public static FatBootSector read(ByteSource volume) throws IOException {
        if (!volume.contains(0, 512)) {
            throw new ContentsException(ErrorCode.UNSUPPORTED, "volume too small for FAT");
        }
        byte[] b = volume.bytes(0, 512);
        int bps = Le.u16(b, 11);
        int spc = Le.u8(b, 13);
        int reserved = Le.u16(b, 14);
        int fats = Le.u8(b, 16);
        int rootEntries = Le.u16(b, 17);
        long total = Le.u16(b, 19) != 0 ? Le.u16(b, 19) : Le.u32(b, 32);
        int media = Le.u8(b, 21);
        long spf = Le.u16(b, 22) != 0 ? Le.u16(b, 22) : Le.u32(b, 36);
        boolean jump = Le.u8(b, 0) == 0xeb || Le.u8(b, 0) == 0xe9;
        if (!jump || (bps != 512 && bps != 1024 && bps != 2048 && bps != 4096) || spc == 0
                || Integer.bitCount(spc) != 1 || reserved == 0 || fats == 0 || fats > 4
                || (media != 0xf0 && media < 0xf8) || total == 0 || spf == 0) {
            throw new ContentsException(ErrorCode.UNSUPPORTED, "not a FAT filesystem (boot sector parameters)");
        }
        long rootDirSectors = ((long) rootEntries * 32 + bps - 1) / bps;
        long dataStart = reserved + fats * spf + rootDirSectors;
        if (dataStart >= total) {
            throw new ContentsException("FAT: data area starts at sector " + dataStart + " of " + total);
        }
        long clusters = (total - dataStart) / spc;
        int bits = clusters < FAT12_MAX ? 12 : clusters < FAT16_MAX ? 16 : 32;
        if (bits == 32 && rootEntries != 0 || bits != 32 && rootEntries == 0) {
            throw new ContentsException("FAT: " + clusters + " clusters make FAT" + bits + " but the root directory "
                    + "has " + rootEntries + " entries");
        }
        if (spf * bps * 8 / bits < clusters + 2) {
            throw new ContentsException("FAT: a FAT of " + spf + " sectors cannot hold " + clusters + " clusters");
        }
        return new FatBootSector(bps, spc, reserved, fats, rootEntries, total, spf,
                bits == 32 ? Le.u32(b, 44) : 0, bits == 32 ? Le.u16(b, 48) : 0, clusters, bits);
    }

    public boolean fat32() {
        return bits == 32;
    }

    /** "FAT12", "FAT16" or "FAT32", as blkid's VERSION. */
    public String kind() {
        return "FAT" + bits;
    }

    public int clusterSize() {
        return bytesPerSector * sectorsPerCluster;
    }

    public long fatOffset() {
        return (long) reservedSectors * bytesPerSector;
    }

    public long fatBytes() {
        return sectorsPerFat * bytesPerSector;
    }

    /** The fixed root directory of FAT12/16. */
    public long rootDirOffset() {
        return fatOffset() + fatCount * fatBytes();
    }

    public long rootDirBytes() {
        return (long) rootEntries * 32;
    }

    public long dataOffset() {
        long rootDirSectors = (rootDirBytes() + bytesPerSector - 1) / bytesPerSector;
        return rootDirOffset() + rootDirSectors * bytesPerSector;
    }

    public long clusterOffset(long cluster) {
        return dataOffset() + (cluster - 2) * clusterSize();
    }

    /** The FSInfo sector's free-cluster count (FAT32), or -1 when absent or unknown. */
    public long fsInfoFreeClusters(ByteSource volume) throws IOException {
        long at = (long) fsInfoSector * bytesPerSector;
        if (fsInfoSector == 0 || !volume.contains(at, 512)) {
            return -1;
        }
        byte[] s = volume.bytes(at, 512);
        if (Le.u32(s, 0) != 0x41615252L || Le.u32(s, 484) != 0x61417272L) {
            return -1;
        }
        long free = Le.u32(s, 488);
        return free == 0xffffffffL || free > clusterCount ? -1 : free;
    }

    /**
     * The label in the root directory's volume-label entry (null when there is none): the one libblkid and Windows
     * show. Only the first cluster of a FAT32 root, or the fixed FAT12/16 root, is searched.
     */
    public String volumeLabelInRootDirectory(ByteSource volume) throws IOException {
        long at = fat32() ? clusterOffset(rootCluster) : rootDirOffset();
        long len = fat32() ? clusterSize() : rootDirBytes();
        len = Math.min(len, 1 << 20);
        if (!volume.contains(at, len)) {
            return null;
        }
        byte[] dir = volume.bytes(at, (int) len);
        for (int e = 0; e + 32 <= dir.length; e += 32) {
            int first = Le.u8(dir, e);
            if (first == 0) {
                break;
            }
            int attr = Le.u8(dir, e + 11);
            if (first != 0xe5 && attr != FatDirectory.ATTR_LONG_NAME && (attr & FatDirectory.ATTR_VOLUME_ID) != 0) {
                return new String(dir, e, 11, StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }
}
