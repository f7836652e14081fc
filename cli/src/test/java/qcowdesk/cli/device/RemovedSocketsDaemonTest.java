package qcowdesk.cli.device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.QcowctlProcess;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A cleaner deletes the runtime directory of a running {@code qcowctl daemon} with a device attached and a client
 * connected: within a bounded time qcowctl and new NBD clients reach the daemon again, the connected client goes
 * on, a second owner is still refused (the lock was taken again), and the daemon said what happened.
 */
class RemovedSocketsDaemonTest {

    /** The daemon looks twice a second; a loaded machine gets ample room. */
    private static final Duration BOUND = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void theDaemonPutsItsSocketsBackAfterTheDirectoryIsDeleted() throws Exception {
        Peers.require("nbdinfo");
        Peers.require("qemu-io");
        Path runtime = dir.resolve("run");
        Path image = dir.resolve("disk.qcow2");
        Peers.ok("qemu-img", "create", "-f", "qcow2", image.toString(), "16M");
        QcowctlProcess.Result stopped;
        try (QcowctlProcess daemon = QcowctlProcess.start(runtime, dir, "daemon")) {
            daemon.nextLine(Duration.ofSeconds(60));
            String uri = ok(runtime, "attach", image.toString()).trim().split(" ")[1];
            // a client connected before the removal, writing after it
            Process held = new ProcessBuilder("qemu-io", "-f", "raw", uri).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("qemu-io.out").toFile()).start();
            try {
                long connected = System.nanoTime() + BOUND.toNanos();
                while (clients(runtime) < 1) {
                    assertTrue(held.isAlive() && System.nanoTime() < connected, "qemu-io connects");
                    Thread.sleep(100);
                }
                Peers.ok("rm", "-rf", runtime.toString());
                assertTrue(Files.notExists(runtime));

                long deadline = System.nanoTime() + BOUND.toNanos();
                QcowctlProcess.Result list;
                while ((list = QcowctlProcess.run(runtime, dir, "list")).exitCode() != ExitCodes.OK) {
                    if (System.nanoTime() > deadline) {
                        fail("qcowctl list still fails " + BOUND + " after the directory was deleted: " + list.stderr());
                    }
                    Thread.sleep(200);
                }
                assertTrue(list.stdout().contains("qcow0") && list.stdout().contains(image.toString()), list.stdout());
                Peers.ok("nbdinfo", uri);
                Peers.ok("qemu-io", "-f", "raw", "-c", "write -P 0x5a 0 64k", uri);
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runtime)));

                QcowctlProcess.Result second = QcowctlProcess.run(runtime, dir, "daemon");
                assertTrue(second.exitCode() != ExitCodes.OK && second.stderr().contains("already running"),
                        "the lock was taken again: " + second.stderr());

                held.getOutputStream().write("write -P 0x33 1M 64k\nflush\nquit\n".getBytes());
                held.getOutputStream().flush();
                held.getOutputStream().close();
                boolean exited = held.waitFor(60, TimeUnit.SECONDS);
                String said = Files.readString(dir.resolve("qemu-io.out"));
                assertTrue(exited, "the connected qemu-io finished: " + said);
                assertEquals(0, held.exitValue(), said);
            } finally {
                held.destroyForcibly();
            }
            Peers.ok("qemu-io", "-f", "raw", "-c", "read -P 0x5a 0 64k", "-c", "read -P 0x33 1M 64k", uri);
            daemon.signal("TERM");
            stopped = daemon.awaitExit(Duration.ofSeconds(30));
        }
        assertEquals(0, stopped.exitCode(), stopped.stderr());
        assertTrue(stopped.stderr().contains(runtime + " was removed or emptied from under the device owner; "
                + "the directory, the control socket, the NBD socket were re-created"), stopped.stderr());
        Peers.ok("qemu-img", "check", image.toString());
    }

    private static int clients(Path runtime) throws Exception {
        try (ControlClient client = ControlClient.connect(new RuntimeDirectory(runtime))) {
            return client.list().get(0).clients();
        }
    }

    private static String ok(Path runtime, String... args) {
        QcowctlProcess.Result result = QcowctlProcess.run(runtime, runtime.getParent(), args);
        assertEquals(0, result.exitCode(), result.stderr());
        return result.stdout();
    }
}
