package qcowdesk.cli.serve;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.QcowctlProcess;
import qcowdesk.testkit.Peers;

import static qcowdesk.cli.QcowctlProcess.READY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Local attackers and {@code qcowctl serve}: the default socket directory must be this user's private one (another
 * user could have created it first under a shared /tmp), and plain NBD beyond loopback is announced as such.
 */
class ServeTrustTest {

    @TempDir
    Path dir;

    private Path image() {
        Path image = dir.resolve("disk.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "1M");
        return image;
    }

    @Test
    void aRuntimeDirectoryOpenToOthersIsRefused() throws Exception {
        Path runtime = Files.createDirectory(dir.resolve("qcowdesk-0"));
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxrwxrwx"));
        QcowctlProcess.Result result = QcowctlProcess.run(runtime, dir, "serve", image().toString());
        assertEquals(ExitCodes.REFUSED, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("open to other users"), result.stderr());
        try (var files = Files.list(runtime)) {
            assertEquals(0, files.count(), "no socket was created in it");
        }
    }

    @Test
    void aRuntimeDirectoryOfAnotherUserIsRefused() throws Exception {
        Path runtime = Files.createDirectory(dir.resolve("qcowdesk-0"));
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(runtime, "unix:uid", 65534);
        QcowctlProcess.Result result = QcowctlProcess.run(runtime, dir, "serve", image().toString());
        assertEquals(ExitCodes.REFUSED, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("belongs to user 65534"), result.stderr());
    }

    @Test
    void aPrivateRuntimeDirectoryIsUsed() throws Exception {
        Path runtime = dir.resolve("fresh");
        try (QcowctlProcess serve = QcowctlProcess.start(runtime, dir, "serve", image().toString())) {
            String uri = serve.nextLine(READY);
            assertTrue(uri.contains(runtime.toString()), uri);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runtime)));
            serve.signal("TERM");
            assertEquals(0, serve.awaitExit(READY).exitCode());
        }
    }

    @Test
    void plainNbdBeyondLoopbackIsAnnouncedWithAWarning() throws Exception {
        Path runtime = dir.resolve("run");
        try (QcowctlProcess serve = QcowctlProcess.start(runtime, dir, "serve", "--port", "0", "--bind", "0.0.0.0",
                image().toString())) {
            serve.nextLine(READY);
            serve.signal("TERM");
            QcowctlProcess.Result result = serve.awaitExit(READY);
            assertTrue(result.stderr().contains("warning") && result.stderr().contains("without TLS"),
                    result.stderr());
        }
        try (QcowctlProcess serve = QcowctlProcess.start(runtime, dir, "serve", "--port", "0", image().toString())) {
            serve.nextLine(READY);
            serve.signal("TERM");
            QcowctlProcess.Result result = serve.awaitExit(READY);
            assertFalse(result.stderr().contains("warning"), result.stderr());
        }
    }
}
