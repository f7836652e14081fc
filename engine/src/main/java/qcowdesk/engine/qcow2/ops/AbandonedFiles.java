package qcowdesk.engine.qcow2.ops;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import qcowdesk.engine.support.Log;

/**
 * Removes the files an operation of ours left half-built when it was killed, and only those: a file is deleted
 * when (1) its name is one we give such files, with the id of the process that made it, (2) it is a regular file
 * (not a link) owned by this user, (3) that process is gone (a process that is still alive, or has the same id
 * again, keeps it), and (4) no process has it open: every readable {@code /proc/PID/fd} entry is compared with it
 * by device and inode. Anything in doubt is left alone.
 */
final class AbandonedFiles {

    private static final Log LOG = Log.of(AbandonedFiles.class);
    private static final Path PROC = Path.of("/proc");

    private AbandonedFiles() {
    }

    /**
     * Deletes the files in {@code directory} whose whole name {@code name} matches, group 1 being the id of the
     * process that made it, when they are provably abandoned. Returns how many were deleted.
     */
    static int delete(Path directory, Pattern name) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                Matcher m = name.matcher(file.getFileName().toString());
                if (m.matches() && abandoned(file, Long.parseLong(m.group(1)))) {
                    Files.deleteIfExists(file);
                    LOG.info("deleted " + file + ", left by process " + m.group(1) + ", which is gone");
                    deleted++;
                }
            }
        }
        return deleted;
    }

    private static boolean abandoned(Path file, long pid) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        int owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int me = (Integer) Files.getAttribute(PROC.resolve("self"), "unix:uid");
        return owner == me && !alive(pid) && !heldOpen(file);
    }

    /** Whether a process with this id exists (this process counts: it has nothing half-built at this point). */
    private static boolean alive(long pid) {
        return pid != ProcessHandle.current().pid()
                && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Whether any process whose descriptors we may read has {@code file} open, as fuser(1) would tell. */
    static boolean heldOpen(Path file) throws IOException {
        Object key = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path process : processes) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        if (key.equals(openFileKey(fd))) {
                            return true;
                        }
                    }
                } catch (IOException | SecurityException unreadable) {
                    // another user's process, or one that just ended: it cannot hold our private file open
                    // (an unreadable one might; the owner check above keeps others' files out of this anyway)
                }
            }
        }
        return false;
    }

    private static Object openFileKey(Path fd) {
        try {
            // following /proc/PID/fd/N stats the open file itself, even when it was renamed or deleted
            return Files.readAttributes(fd, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
