package qcowdesk.bridge.owner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * Checks that the runtime directory really is this user's private directory before its sockets are trusted.
 * Under a shared /tmp another user could create the directory first, or a link in its place, and then listen
 * on our socket names; mode 0700 means something only on a directory we own.
 */
public final class PrivateDirectory {

    private PrivateDirectory() {
    }

    public static void require(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new EngineException(ErrorCode.IO, dir + " is not a directory of its own (a link or a file):"
                    + " refusing to use the sockets inside");
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (owner != me) {
            throw new EngineException(ErrorCode.IO, dir + " belongs to user " + owner + ", not to this user (" + me
                    + "): refusing to use the sockets inside");
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            throw new EngineException(ErrorCode.IO, dir + " is open to other users (mode "
                    + java.nio.file.attribute.PosixFilePermissions.toString(permissions) + "); it must be rwx------");
        }
    }
}
