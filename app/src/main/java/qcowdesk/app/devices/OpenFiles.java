package qcowdesk.app.devices;

import qcowdesk.engine.device.FileStat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * This process's open files as {@code /proc/self/fd} shows them. A descriptor stays readable after its file was
 * deleted or renamed over, so it is how the app reaches a device's file that no longer has a name, and how it
 * learns the absolute name of a file an owner in this process opened by a relative one.
 */
public final class OpenFiles {

    static final Path PROC = Path.of("/proc");

    private OpenFiles() {
    }

    /** The descriptor link of the open file with {@code stat}'s device and inode, if this process has it open. */
    public static Optional<Path> descriptorOf(FileStat stat) {
        return descriptorOf(ProcessHandle.current().pid(), stat);
    }

    /** The same for process {@code pid} (an owner of the same user, or any as root). */
    public static Optional<Path> descriptorOf(long pid, FileStat stat) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    Map<String, Object> id = Files.readAttributes(fd, "unix:dev,ino");
                    if ((Long) id.get("dev") == stat.dev() && (Long) id.get("ino") == stat.ino()) {
                        return Optional.of(fd);
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // closed meanwhile, or not a file (a socket, a pipe): not the one
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The name the open file had, as the kernel keeps it (without the " (deleted)" it appends to a lost one). */
    public static Optional<Path> nameOf(Path descriptor) {
        try {
            String target = Files.readSymbolicLink(descriptor).toString();
            return Optional.of(Path.of(target.endsWith(" (deleted)") ? target.substring(0, target.length() - 10) : target));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
