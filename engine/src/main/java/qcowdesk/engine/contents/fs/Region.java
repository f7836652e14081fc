package qcowdesk.engine.contents.fs;

/**
 * Bytes of a volume with one role: filesystem metadata ("ext4 inode table", "FAT", "ext4 journal") or free space.
 *
 * @param volumeOffset byte offset on the volume
 * @param length       bytes
 * @param what         the role, fit to show a user
 */
public record Region(long volumeOffset, long length, String what) {

    public static final String FREE = "free in filesystem";

    public long end() {
        return volumeOffset + length;
    }
}
