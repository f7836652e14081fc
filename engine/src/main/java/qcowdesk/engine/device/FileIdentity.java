package qcowdesk.engine.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Which file a path names right now: its device and inode numbers, stable across renames. */
public record FileIdentity(long dev, long ino) {

    /** The identity of the file {@code path} names (following symbolic links, like stat(2)). */
    public static FileIdentity of(Path path) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(path, "unix:dev,ino");
        return new FileIdentity((Long) attributes.get("dev"), (Long) attributes.get("ino"));
    }

    // equals and hashCode written out: a record's own are linked at their first call through
    // java.lang.runtime.ObjectMethods, which generates a dozen method-handle classes, and every attach (so every
    // 'qcowctl serve' before its socket listens) compares identities
    @Override
    public boolean equals(Object other) {
        return other instanceof FileIdentity that && dev == that.dev && ino == that.ino;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(dev) * 31 + Long.hashCode(ino);
    }

    @Override
    public String toString() {
        return "dev " + dev + " inode " + ino;
    }
}
