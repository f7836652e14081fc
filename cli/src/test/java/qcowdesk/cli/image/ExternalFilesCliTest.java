package qcowdesk.cli.image;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.CliRun;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.QcowctlProcess;
import qcowdesk.testkit.Peers;

import static qcowdesk.cli.QcowctlProcess.READY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The external files policy through qcowctl: info shows every file an image opens and what would be refused;
 * serve, map and attach (over the control socket of a real daemon) refuse until --allow-external-files.
 */
class ExternalFilesCliTest {

    @TempDir
    Path dir;

    private Path victim;
    private byte[] victimBytes;
    private Path image;

    /** An image in Downloads whose data file is the user's ~/.bashrc (as a downloaded image could have it). */
    @BeforeEach
    void craft() throws Exception {
        victim = Files.createDirectories(dir.resolve("home")).resolve(".bashrc");
        victimBytes = "export EDITOR=vi\n".getBytes(StandardCharsets.UTF_8);
        Files.write(victim, victimBytes);
        image = Files.createDirectories(dir.resolve("home/Downloads")).resolve("vm.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "data_file=" + image + ".data",
                image.toString(), "1M");
        Peers.ok("qemu-img", "amend", "-o", "data_file=../.bashrc", image.toString());
    }

    @Test
    void infoListsTheChainAndWhatWouldBeRefused() {
        CliRun info = CliRun.of("info", image.toString());
        assertEquals(0, info.exitCode(), info.err());
        assertTrue(info.out().contains("Files opened:\n    image: " + image + "\n    data file: " + victim
                + " (named '../.bashrc'), raw\n        refused without --allow-external-files: it is outside the "
                + "image's directory " + image.getParent()), info.out());
    }

    @Test
    void serveRefusesUntilAllowedAndLeavesTheFileAlone() throws Exception {
        Path socket = dir.resolve("nbd.sock");
        QcowctlProcess.Result refused = QcowctlProcess.run(dir, dir, "serve", "--socket", socket.toString(),
                image.toString());
        assertEquals(ExitCodes.REFUSED, refused.exitCode(), refused.stderr());
        assertTrue(refused.stderr().contains(victim.toString()) && refused.stderr().contains("outside"),
                refused.stderr());

        try (QcowctlProcess serve = QcowctlProcess.start(dir, dir, "serve", "--read-only", "--allow-external-files",
                "--socket", socket.toString(), image.toString())) {
            String uri = serve.nextLine(READY);
            Peers.ok("nbdinfo", uri);
            serve.signal("TERM");
            assertEquals(0, serve.awaitExit(READY).exitCode());
        }
        assertArrayEquals(victimBytes, Files.readAllBytes(victim));
    }

    @Test
    void mapRefusesUntilAllowed() {
        CliRun refused = CliRun.of("map", image.toString());
        assertEquals(ExitCodes.REFUSED, refused.exitCode(), refused.out());
        assertTrue(refused.err().contains(victim.toString()), refused.err());
        assertEquals(0, CliRun.of("map", "--allow-external-files", image.toString()).exitCode());
    }

    @Test
    void attachThroughTheDaemonRefusesUntilAllowed() throws Exception {
        Path runtime = Files.createDirectories(dir.resolve("run"));
        Files.setPosixFilePermissions(runtime, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        try (QcowctlProcess daemon = QcowctlProcess.start(runtime, dir, "daemon")) {
            daemon.nextLine(READY);
            QcowctlProcess.Result refused = QcowctlProcess.run(runtime, dir, "attach", image.toString());
            assertEquals(ExitCodes.REFUSED, refused.exitCode(), refused.stderr());
            assertTrue(refused.stderr().contains(victim.toString()), refused.stderr());
            assertEquals("", QcowctlProcess.run(runtime, dir, "list").stdout().lines()
                    .filter(l -> l.contains("vm.qcow2")).findFirst().orElse(""));

            QcowctlProcess.Result allowed = QcowctlProcess.run(runtime, dir, "attach", "-r",
                    "--allow-external-files", image.toString());
            assertEquals(0, allowed.exitCode(), allowed.stderr());
            assertEquals(0, QcowctlProcess.run(runtime, dir, "detach", "qcow0").exitCode());
            daemon.signal("TERM");
            assertEquals(0, daemon.awaitExit(READY).exitCode());
        }
        assertArrayEquals(victimBytes, Files.readAllBytes(victim));
    }
}
