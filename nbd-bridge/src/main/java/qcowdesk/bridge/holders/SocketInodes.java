package qcowdesk.bridge.holders;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The inode of a socket channel of this process, from its file descriptor's {@code /proc/self/fd} link
 * ({@code socket:[INODE]}). Java has no public accessor for a channel's descriptor, and its SO_PEERCRED
 * gives a Unix peer's user and group but not its pid; so the descriptor is read reflectively, which needs
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} (set in qcowctl's jar manifest and the app's launcher).
 * Without it the inode is unknown (-1) and the peer's process is not named.
 */
public final class SocketInodes {

    private static final Field FD_VAL = fdField();

    private SocketInodes() {
    }

    private static Field fdField() {
        try {
            Field field = Class.forName("sun.nio.ch.SocketChannelImpl").getDeclaredField("fdVal");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Whether inodes can be read in this JVM. */
    public static boolean available() {
        return FD_VAL != null;
    }

    /** The socket's inode, or -1 when it cannot be read. */
    public static long of(SocketChannel channel) {
        if (FD_VAL == null || !FD_VAL.getDeclaringClass().isInstance(channel)) {
            return -1;
        }
        try {
            return parse(Files.readSymbolicLink(Path.of("/proc/self/fd/" + FD_VAL.getInt(channel))).toString());
        } catch (IOException | IllegalAccessException | RuntimeException e) {
            return -1;
        }
    }

    /** The inode of a {@code socket:[INODE]} link target, -1 for anything else. */
    static long parse(String link) {
        if (link.startsWith("socket:[") && link.endsWith("]")) {
            try {
                return Long.parseLong(link.substring(8, link.length() - 1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}
