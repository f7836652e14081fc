package qcowdesk.bridge;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The per-user directory that holds the sockets of the process owning the device table:
 * {@code $XDG_RUNTIME_DIR/qcowdesk}, or {@code /tmp/qcowdesk-UID} when XDG_RUNTIME_DIR is unset.
 * It is created with mode 0700 so that only its user can reach the sockets inside. One owner runs per directory.
 *
 * @param path          the directory
 * @param controlSocket the owner's control socket: {@code control.sock} inside the directory unless named
 */
public record RuntimeDirectory(Path path, Path controlSocket) {

    public RuntimeDirectory(Path path) {
        this(path, path.resolve(CONTROL_SOCKET));
    }

    /** The directory of a control socket the user named ({@code qcowctl daemon --socket PATH}). */
    public static RuntimeDirectory ofControlSocket(Path controlSocket) {
        Path socket = controlSocket.toAbsolutePath().normalize();
        return new RuntimeDirectory(socket.getParent(), socket);
    }

    public static final String NBD_SOCKET = "nbd.sock";
    public static final String CONTROL_SOCKET = "control.sock";

    /** The default directory for this user; {@code QCOWDESK_RUNTIME_DIR} overrides it (tests use this). */
    public static RuntimeDirectory forCurrentUser() {
        String override = System.getenv("QCOWDESK_RUNTIME_DIR");
        if (override != null && !override.isBlank()) {
            return new RuntimeDirectory(Path.of(override));
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            return new RuntimeDirectory(Path.of(xdg, "qcowdesk"));
        }
        return new RuntimeDirectory(Path.of(System.getProperty("java.io.tmpdir"), "qcowdesk-" + currentUid()));
    }

    public Path nbdSocket() {
        return path.resolve(NBD_SOCKET);
    }

    /**
     * Where the owner keeps the overlays of temporary devices: inside this private directory, so no other user
     * can read or replace them (the owner checks the directory is private before it starts).
     */
    public Path temporaryOverlays() {
        return path.resolve("temporary");
    }

    /**
     * Creates the directory (and parents) if needed, mode 0700. A directory that already exists keeps its mode:
     * it may be a shared one the user named (never chmod /tmp); owners check that it is private before use.
     */
    public RuntimeDirectory ensureExists() throws IOException {
        if (Files.isDirectory(path)) {
            return this;
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // the umask may have narrowed the mode further; set exactly 0700 on the directory we just made
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
        } catch (FileAlreadyExistsException raced) {
            // created meanwhile by another process: it is checked like any existing directory
        }
        return this;
    }

    private static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return Math.abs(System.getProperty("user.name", "user").hashCode());
        }
    }
}
