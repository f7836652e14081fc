package qcowdesk.cli.device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.QcowctlProcess;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The udisks route (a desktop user's: udisksctl loop-setup over the FUSE file, then udisksctl mount, udisks
 * choosing the mount point) against a real udisksd on a system bus of the test's own. Runs as root here, so
 * polkit is not exercised; the whole disk holds ext4 because kernels without partition-table parsers give
 * udisks no partitions.
 */
class UdisksRouteTest {

    @TempDir
    Path dir;

    @Test
    void mountsThroughUdisksWritesLandAndEverythingIsUndone() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.writeString(tree.resolve("hello.txt"), "hello\n");
        Path raw = dir.resolve("fs.ext4");
        Peers.ok("mkfs.ext4", "-q", "-d", tree.toString(), raw.toString(), "16M");
        Path image = dir.resolve("fs.qcow2");
        Peers.ok("qemu-img", "convert", "-O", "qcow2", raw.toString(), image.toString());
        Path runtime = dir.resolve("runtime");

        try (UdisksSystem udisks = UdisksSystem.start(Files.createDirectories(dir.resolve("system")));
             QcowctlProcess daemon = QcowctlProcess.start(udisks.environment(), runtime, dir, "daemon")) {
            daemon.nextLine(Duration.ofSeconds(30));
            try {
                mountWriteUnmount(runtime, image);
            } finally {
                // the owner undoes whatever is still mounted when it stops (a SIGKILL would leave it behind)
                daemon.signal("TERM");
                assertEquals(0, daemon.awaitExit(Duration.ofSeconds(60)).exitCode());
            }
        }
        Peers.ok("qemu-img", "check", image.toString());
        Path back = dir.resolve("back.raw");
        Peers.ok("qemu-img", "convert", "-O", "raw", image.toString(), back.toString());
        assertTrue(Peers.ok("debugfs", "-R", "cat /written.txt", back.toString()).stdout().contains("through udisks"));
    }

    private void mountWriteUnmount(Path runtime, Path image) throws Exception {
        String mounted = ok(runtime, "mount", "-t", "udisks", image.toString());
        assertTrue(mounted.contains("via udisks"), mounted);
        Path at = Path.of(mounted.substring(mounted.indexOf(" on ") + 4, mounted.indexOf(" via ")));
        assertEquals("hello\n", Files.readString(at.resolve("hello.txt")));
        Files.writeString(at.resolve("written.txt"), "through udisks\n");

        Path other = Files.copy(image, dir.resolve("other.qcow2"));
        CliResult refused = run(runtime, "mount", "-t", "udisks", "--sector-size", "4096", other.toString());
        assertTrue(refused.err().contains("udisks cannot give a loop device 4096-byte sectors"), refused.err());

        String unmounted = ok(runtime, "umount", at.toString());
        assertTrue(unmounted.contains("detached qcow"), unmounted);
        assertFalse(Files.exists(at.resolve("hello.txt")), "the udisks mount is gone");
        String loops = Peers.ok("losetup", "--list", "--noheadings", "-O", "NAME,BACK-FILE").stdout();
        assertFalse(loops.contains(runtime.toString()), "udisks' loop device is left over: " + loops);
    }

    private record CliResult(int code, String out, String err) {
    }

    private static CliResult run(Path runtime, String... args) {
        QcowctlProcess.Result result = QcowctlProcess.run(runtime, runtime.getParent(), args);
        return new CliResult(result.exitCode(), result.stdout(), result.stderr());
    }

    private static String ok(Path runtime, String... args) {
        CliResult result = run(runtime, args);
        if (result.code() != 0) {
            fail("qcowctl " + String.join(" ", List.of(args)) + " exited " + result.code() + ": " + result.err());
        }
        return result.out();
    }
}
