package qcowdesk.engine.contents.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

/**
 * Read-only access to a filesystem on a volume. Every field read from the volume is distrusted: a broken entry
 * gives a {@link qcowdesk.engine.contents.io.ContentsException} naming it, loops are detected and memory stays bounded.
 * Implementations are safe for concurrent readers.
 */
public interface FileSystemReader {

    /** blkid's name of the filesystem: "ext2", "ext3", "ext4", "vfat". */
    String type();

    FileNode root();

    /** The entries of a directory; broken entries are reported in the listing, not thrown. */
    Listing list(FileNode directory) throws IOException;

    /** The node at an absolute path ("/", "/etc/fstab"); symlinks on the way are not followed. */
    default FileNode lookup(String path) throws IOException {
        FileNode node = root();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (!node.isDirectory()) {
                throw new qcowdesk.engine.contents.io.ContentsException(qcowdesk.engine.ErrorCode.INVALID_ARGUMENT,
                        node.path() + ": not a directory");
            }
            FileNode parent = node;
            node = list(node).entries().stream().filter(e -> e.name().equals(part)).findFirst()
                    .orElseThrow(() -> new qcowdesk.engine.contents.io.ContentsException(
                            qcowdesk.engine.ErrorCode.INVALID_ARGUMENT,
                            parent.childPath(part) + ": no such file or directory"));
        }
        return node;
    }

    /**
     * Reads a file's bytes from {@code offset} into {@code dst} (up to its remaining space or the end of the
     * file); holes read as zeros without touching the disk. Returns the bytes read, -1 at the end of the file.
     */
    int read(FileNode file, long offset, ByteBuffer dst) throws IOException;

    /** A symbolic link's target. */
    String readLink(FileNode link) throws IOException;

    /** The file's data runs on the volume, in file order (holes and inline data have none). */
    void extents(FileNode file, Consumer<Extent> sink) throws IOException;

    /**
     * The volume's metadata regions and its free space, in any order; the rest belongs to files (or to metadata
     * attributed to files, such as extent tree blocks, reported through {@link #metadataOf}).
     */
    void regions(Consumer<Region> sink) throws IOException;

    /** Blocks that describe a file rather than hold its data (extent tree nodes, indirect blocks). */
    default void metadataOf(FileNode file, Consumer<Extent> sink) throws IOException {
    }

    /** Conditions the user should know about (a journal that needs recovery, an unclean unmount). */
    List<String> warnings();

    /** The allocation unit in bytes. */
    int blockSize();
}
