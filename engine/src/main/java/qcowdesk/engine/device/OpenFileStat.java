package qcowdesk.engine.device;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.support.FileBlocks;

/**
 * fstat(2) of a file this process holds open, without access to its descriptor number.
 *
 * <p>Java cannot fstat a FileChannel. What it can do is stat {@code /proc/self/fd/N}: the kernel follows that
 * link to the open file itself, so the answer stays right after the path was renamed, replaced or deleted. At
 * attach we know the file's device and inode; we find a descriptor of this process open on that inode and
 * re-check the pair on every call, in case the descriptor was closed and its number reused.
 *
 * <p>Java's {@code unix:} attributes lack st_blocks and st_blksize; those two come from {@code stat(1)} run on
 * {@code /proc/PID/fd/N}, which still names our open file, and whose device and inode are checked as well.
 */
final class OpenFileStat {

    private static final Path FD_DIR = Path.of("/proc/self/fd");

    private final FileIdentity identity;
    private final String description;
    private volatile Path descriptor;

    /**
     * @param identity    device and inode of the open file
     * @param description how to name the file in error messages
     */
    OpenFileStat(FileIdentity identity, String description) {
        this.identity = identity;
        this.description = description;
    }

    FileIdentity identity() {
        return identity;
    }

    FileStat stat() throws EngineException {
        for (int attempt = 0; attempt < 2; attempt++) {
            Path fd = descriptor != null ? descriptor : findDescriptor();
            try {
                FileStat stat = statDescriptor(fd);
                if (stat != null) {
                    descriptor = fd;
                    return stat;
                }
            } catch (IOException e) {
                if (Files.exists(fd)) {
                    throw new EngineException(ErrorCode.IO, "cannot stat the open file of " + description + ": "
                            + e.getMessage(), e);
                }
                // the descriptor was closed since we found it: look again
            }
            descriptor = null;
        }
        throw new EngineException(ErrorCode.IO, "cannot stat the open file of " + description
                + ": it changed while being examined, try again");
    }

    private Path findDescriptor() throws EngineException {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(FD_DIR)) {
            for (Path fd : fds) {
                try {
                    if (FileIdentity.of(fd).equals(identity)) {
                        return fd;
                    }
                } catch (IOException notAFileOrGone) {
                    // sockets, pipes and descriptors closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot list this process's open files in " + FD_DIR
                    + ": " + e.getMessage(), e);
        }
        throw new EngineException(ErrorCode.IO, "the backing file of " + description + " (" + identity
                + ") is not open in this process");
    }

    /** Stats the file behind {@code fd}; null when that descriptor no longer holds our file. */
    private FileStat statDescriptor(Path fd) throws IOException {
        Map<String, Object> a = Files.readAttributes(fd, "unix:*");
        if (!identity.equals(new FileIdentity((Long) a.get("dev"), (Long) a.get("ino")))) {
            return null;
        }
        long[] blocks = blocksAndBlockSize(fd);
        if (blocks == null) {
            return null;
        }
        return new FileStat((Long) a.get("dev"), (Long) a.get("ino"), (Integer) a.get("mode"),
                ((Number) a.get("nlink")).longValue(), (Integer) a.get("uid"), (Integer) a.get("gid"),
                (Long) a.get("rdev"), (Long) a.get("size"), blocks[0], (int) blocks[1],
                timespec(a.get("lastAccessTime")), timespec(a.get("lastModifiedTime")), timespec(a.get("ctime")));
    }

    /** {st_blocks, st_blksize} of our open file, or null when {@code fd} no longer holds it. */
    private long[] blocksAndBlockSize(Path fd) throws IOException {
        // /proc/self in the child would be the child: name this process explicitly
        FileBlocks blocks = FileBlocks.of(Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd.getFileName()));
        if (!identity.equals(new FileIdentity(blocks.dev(), blocks.ino()))) {
            return null;
        }
        return new long[] {blocks.blocks(), blocks.blockSize()};
    }

    private static FileStat.Timespec timespec(Object fileTime) {
        return FileStat.Timespec.of(((FileTime) fileTime).toInstant());
    }
}
