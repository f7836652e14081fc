package qcowdesk.engine.contents.partition;

/**
 * One partition, in the units of its table.
 *
 * @param number     as Linux numbers it: GPT entry index + 1; MBR 1-4 primary, 5.. logical
 * @param startLba   first sector, in the table's sector size
 * @param sectors    length in the table's sector size
 * @param sectorSize the logical sector size the table was written for
 * @param type       the type as sfdisk prints it: a GUID for GPT, hex digits for MBR ("83", "5", "ef")
 * @param typeName   the type's common name, or "unknown"
 * @param name       the GPT partition name ("" for MBR)
 * @param uuid       the GPT unique partition GUID ("" for MBR)
 * @param bootable   the MBR active flag; the GPT legacy-BIOS-bootable attribute
 * @param container  an MBR extended partition: it holds logical partitions, not a filesystem
 */
public record Partition(int number, long startLba, long sectors, int sectorSize, String type, String typeName,
                        String name, String uuid, boolean bootable, boolean container) {

    /** Byte offset on the disk. */
    public long offset() {
        return startLba * sectorSize;
    }

    /** Length in bytes. */
    public long size() {
        return sectors * sectorSize;
    }

    public long endLba() {
        return startLba + sectors - 1;
    }
}
