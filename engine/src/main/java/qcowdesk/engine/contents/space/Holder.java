package qcowdesk.engine.contents.space;

/**
 * What occupies some bytes of the guest disk.
 *
 * @param kind       file data, filesystem metadata, free space of a filesystem, partition table, outside every
 *                   partition, or in a filesystem but not attributed (unreadable, or a filesystem we only probe)
 * @param path       the file's path (FILE and FILE_METADATA), else ""
 * @param fileOffset byte offset in the file for FILE, else -1
 * @param what       metadata's role ("ext4 inode table"), or the kind in words
 */
public record Holder(Kind kind, String path, long fileOffset, String what) {

    public enum Kind { FILE, FILE_METADATA, METADATA, FREE, PARTITION_TABLE, OUTSIDE_PARTITIONS, UNATTRIBUTED }

    /** One line for a user: "/etc/fstab at offset 4096", "ext4 inode table", "free in filesystem". */
    public String describe() {
        return switch (kind) {
            case FILE -> path + " at offset " + fileOffset;
            case FILE_METADATA -> what + " of " + path;
            default -> what;
        };
    }
}
