package qcowdesk.engine.contents.fs;

import java.time.Instant;

/**
 * A file or directory as its directory lists it, with what its inode (or FAT entry) records.
 *
 * @param path     absolute path inside the filesystem, "/" for the root
 * @param id       the inode number (ext), or a number unique within the FAT volume; equal ids are hard links
 * @param mode     permission bits (and S_IFMT type bits) as a POSIX mode
 * @param links    the link count (1 on FAT)
 * @param modified last modification, or {@link Instant#EPOCH} when not recorded
 */
public record FileNode(String name, String path, long id, FileType type, long size, int mode, long uid, long gid,
                       int links, Instant modified, Instant accessed, Instant changed) {

    public boolean isDirectory() {
        return type == FileType.DIRECTORY;
    }

    /** The path of a child named {@code child}. */
    public String childPath(String child) {
        return path.equals("/") ? "/" + child : path + "/" + child;
    }
}
