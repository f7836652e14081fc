package qcowdesk.engine.contents.probe;

/**
 * What a volume's superblock says, with blkid's names.
 *
 * @param type      blkid's TYPE ("ext4", "vfat", "ntfs", "crypto_LUKS", "LVM2_member", ...)
 * @param label     the volume label, "" when there is none
 * @param uuid      blkid's UUID form, "" when there is none
 * @param version   blkid's VERSION or SEC_TYPE-like detail ("FAT32", "1.0", "2"), "" when none
 * @param size      the size the filesystem claims, in bytes (0 when it does not record one)
 * @param free      free bytes recorded by the filesystem, or -1 when it records none
 * @param blockSize the allocation unit in bytes (0 when not applicable)
 */
public record FsInfo(String type, String label, String uuid, String version, long size, long free, int blockSize) {

    /** Used bytes when both size and free are known, else -1. */
    public long used() {
        return free < 0 || size <= 0 ? -1 : size - free;
    }

    /** Whether the file browser can read this filesystem. */
    public boolean browsable() {
        return type.startsWith("ext") || type.equals("vfat");
    }
}
