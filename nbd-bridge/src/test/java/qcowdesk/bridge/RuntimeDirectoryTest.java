package qcowdesk.bridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RuntimeDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void aNewDirectoryIsPrivate() throws IOException {
        Path runtime = dir.resolve("a/b/qcowdesk");
        new RuntimeDirectory(runtime).ensureExists();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runtime)));
    }

    @Test
    void anExistingSharedDirectoryKeepsItsMode() throws IOException {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        new RuntimeDirectory(shared).ensureExists();
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)),
                "a directory the user named (say /tmp) must not be made private behind their back");
    }
}
