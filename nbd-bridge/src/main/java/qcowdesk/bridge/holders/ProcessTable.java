package qcowdesk.bridge.holders;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which process holds which socket, found as {@code ss -p} and {@code fuser} find it: by reading the
 * {@code /proc/PID/fd} links of every process we may see. Processes of other users are invisible to a non-root
 * owner; their sockets stay unnamed.
 */
final class ProcessTable {

    private static final Path PROC = Path.of("/proc");
    /** A command line is shown on one line and cut at this length. */
    private static final int MAX_COMMAND = 400;

    private ProcessTable() {
    }

    /** For each of {@code inodes} held open by a process: that process (the first one found). */
    static Map<Long, Long> owners(Set<Long> inodes) {
        Map<Long, Long> owners = new HashMap<>();
        if (inodes.isEmpty()) {
            return owners;
        }
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path process : processes) {
                long pid = Long.parseLong(process.getFileName().toString());
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        long inode = SocketInodes.parse(readLink(fd));
                        if (inode >= 0 && inodes.contains(inode)) {
                            owners.putIfAbsent(inode, pid);
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile, or not ours to look at
                }
            }
        } catch (IOException e) {
            return owners;
        }
        return owners;
    }

    /** The process's command line, arguments separated by spaces. */
    static Optional<PeerProcess> describe(long pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            String command = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
            if (command.length() > MAX_COMMAND) {
                command = command.substring(0, MAX_COMMAND) + "...";
            }
            return Optional.of(new PeerProcess(pid, command));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "";
        }
    }
}
