package qcowdesk.cli.device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.QcowctlProcess;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code qcowctl attach -t} through a real {@code qcowctl daemon}: qemu-io writes through the NBD export into an
 * overlay in the owner's runtime directory; {@code detach} discards them, keeps them as a new image or commits them
 * into the image, each judged by qemu-img; a killed owner leaves the image byte-identical.
 */
class TemporaryAttachTest extends OwnerDaemonTest {

    @Test
    void writesAreDiscardedKeptOrCommittedAtDetach() throws Exception {
        Path image = owner.image("disk.qcow2", "8M");
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 1 0 2M", image.toString());
        Path expected = Files.copy(image, dir.resolve("expected.qcow2"));
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 7 1M 64k", "-c", "write -z 0 64k", expected.toString());
        byte[] before = Files.readAllBytes(image);

        // discard, the default
        String[] attached = attachAndWrite(image);
        String list = owner.ok("list");
        assertTrue(list.lines().anyMatch(l -> l.matches(attached[0] + " +temp +512 +0 +8 MiB +" + image)), list);
        List<Path> overlays = overlays();
        assertEquals(1, overlays.size(), "one overlay in the runtime directory");
        assertTrue(Peers.ok("qemu-img", "info", "-U", overlays.get(0).toString()).stdout()
                .contains("backing file: " + image), "the overlay is backed by the image's absolute path");
        assertArrayEquals(before, Files.readAllBytes(image), "the image was written while attached");
        assertTrue(owner.ok("detach", attached[0]).contains("discarded"));
        assertArrayEquals(before, Files.readAllBytes(image), "discard changed the image");
        assertEquals(List.of(), overlays(), "overlay left behind");

        // keep as a new image
        String[] again = attachAndWrite(image);
        Path kept = dir.resolve("kept.qcow2");
        assertTrue(owner.ok("detach", "--keep", "kept.qcow2", again[0]).contains("kept in " + kept));
        assertArrayEquals(before, Files.readAllBytes(image), "keep changed the image");
        Peers.ok("qemu-img", "check", kept.toString());
        Peers.ok("qemu-img", "compare", "-q", expected.toString(), kept.toString());
        assertEquals(List.of(), overlays(), "overlay left behind");

        // commit into the image
        String[] third = attachAndWrite(image);
        assertTrue(owner.ok("detach", "--commit", third[0]).contains("committed into " + image));
        Peers.ok("qemu-img", "check", image.toString());
        Peers.ok("qemu-img", "compare", "-q", expected.toString(), image.toString());
        assertEquals(List.of(), overlays(), "overlay left behind");
    }

    @Test
    void refusalsLeaveTheDeviceAttachedWithItsWrites() throws Exception {
        Path image = owner.image("refuse.qcow2", "8M");
        byte[] before = Files.readAllBytes(image);
        String[] attached = attachAndWrite(image);

        // the image is only read: nobody may write it meanwhile, here or in QEMU
        QcowctlProcess.Result writable = owner.run("attach", image.toString());
        assertEquals(ExitCodes.REFUSED, writable.exitCode(), writable.stderr());
        assertTrue(writable.stderr().contains("in use"), writable.stderr());

        // nor in another process: the image is locked as QEMU locks a backing file (readers still welcome)
        Peers.Result qemuWriter = Peers.run("qemu-io", "-f", "qcow2", "-c", "write -P 3 0 64k", image.toString());
        assertTrue(qemuWriter.exitCode() != 0 && qemuWriter.stderr().contains("lock"), qemuWriter.stderr());
        QcowctlProcess.Result resize = owner.run("resize", image.toString(), "+1M");
        assertEquals(ExitCodes.REFUSED, resize.exitCode(), resize.stderr());
        assertTrue(resize.stderr().contains("in use"), resize.stderr());
        Peers.ok("qemu-img", "info", image.toString());

        Path existing = Files.writeString(dir.resolve("exists.qcow2"), "mine");
        QcowctlProcess.Result keep = owner.run("detach", "--keep", existing.toString(), attached[0]);
        assertEquals(ExitCodes.REFUSED, keep.exitCode());
        assertTrue(keep.stderr().contains(existing + " already exists"), keep.stderr());
        assertEquals("mine", Files.readString(existing));

        QcowctlProcess.Result both = owner.run("detach", "--keep", "x.qcow2", "--commit", attached[0]);
        assertEquals(ExitCodes.USAGE, both.exitCode(), both.stderr());
        QcowctlProcess.Result readOnlyTemporary = owner.run("attach", "-r", "-t", image.toString());
        assertEquals(ExitCodes.USAGE, readOnlyTemporary.exitCode(), readOnlyTemporary.stderr());

        assertTrue(owner.ok("list").contains(attached[0] + " "), "a refused detach detached");
        Peers.ok("qemu-io", "-f", "raw", "-c", "read -P 7 1M 64k", attached[1]);

        Path plain = owner.image("plain.qcow2", "1M");
        String unit = owner.ok("attach", plain.toString()).split(" ")[0];
        QcowctlProcess.Result notTemporary = owner.run("detach", "--commit", unit);
        assertEquals(ExitCodes.REFUSED, notTemporary.exitCode());
        assertTrue(notTemporary.stderr().contains(unit + " is not a temporary device"), notTemporary.stderr());
        owner.ok("detach", unit);
        owner.ok("detach", attached[0]);
        assertArrayEquals(before, Files.readAllBytes(image));
    }

    @Test
    void theImagesOwnExternalFilesStayUnderThePolicy() throws Exception {
        Files.createDirectory(dir.resolve("vm"));
        Path base = owner.image("base.qcow2", "4M");
        byte[] baseBefore = Files.readAllBytes(base);
        Path top = dir.resolve("vm/top.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2", top.toString());
        QcowctlProcess.Result refused = owner.run("attach", "-t", top.toString());
        assertEquals(ExitCodes.REFUSED, refused.exitCode());
        assertTrue(refused.stderr().contains("outside the image's directory"), refused.stderr());
        assertEquals(List.of(), overlays(), "a refused attach left its overlay");
        String unit = owner.ok("attach", "-t", "--allow-external-files", top.toString()).split(" ")[0];
        owner.ok("detach", "--commit", unit);
        assertArrayEquals(baseBefore, Files.readAllBytes(base), "the backing file of the image was written");
    }

    @Test
    void aKilledOwnerLeavesTheImageUntouched() throws Exception {
        Path image = owner.image("crash.qcow2", "8M");
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 3 0 1M", image.toString());
        byte[] before = Files.readAllBytes(image);
        String[] attached = attachAndWrite(image);
        Peers.ok("qemu-io", "-f", "raw", "-c", "write -P 9 0 4M", "-c", "flush", attached[1]);
        daemon.process().signal("KILL");
        daemon.process().awaitExit(Duration.ofSeconds(30));
        assertArrayEquals(before, Files.readAllBytes(image), "a killed owner changed the image");
        Peers.ok("qemu-img", "check", image.toString());
        assertEquals(1, overlays().size());

        daemon.close();
        daemon = RunningDaemon.start(dir);
        assertEquals(List.of(), overlays(), "the next owner keeps the abandoned overlay");
        assertArrayEquals(before, Files.readAllBytes(image));
    }

    /** Attaches with -t and writes through NBD with qemu-io; returns the unit and its URI. */
    private String[] attachAndWrite(Path image) {
        String[] attached = owner.ok("attach", "-t", image.toString()).trim().split(" ");
        Peers.ok("qemu-io", "-f", "raw", "-c", "write -P 7 1M 64k", "-c", "write -z 0 64k", attached[1]);
        return attached;
    }

    private List<Path> overlays() throws Exception {
        Path overlays = daemon.runtime().resolve("temporary");
        if (!Files.isDirectory(overlays)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(overlays)) {
            return files.toList();
        }
    }
}
