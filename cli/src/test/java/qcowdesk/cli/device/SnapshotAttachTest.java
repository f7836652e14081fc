package qcowdesk.cli.device;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import qcowdesk.cli.QcowctlProcess;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code qcowctl attach -l NAME} through a real {@code qcowctl daemon}: the device presents the internal snapshot
 * qemu-img made, not the image's current state, as qemu-img convert -l reads it; it refuses writes, the image
 * stays byte-identical, and a name the image lacks is refused with the names it has.
 */
class SnapshotAttachTest extends OwnerDaemonTest {

    @Test
    void theSnapshotIsServedReadOnlyAndTheImageIsUntouched() throws Exception {
        Path image = owner.image("snaps.qcow2", "4M");
        // s1: 1 in the first MiB; s2: 2 there too and 5 in the second; current: 9 over both
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 1 0 1M", image.toString());
        Peers.ok("qemu-img", "snapshot", "-c", "s1", image.toString());
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 2 0 1M", "-c", "write -P 5 1M 1M", image.toString());
        Peers.ok("qemu-img", "snapshot", "-c", "s2", image.toString());
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 9 0 2M", image.toString());
        byte[] before = Files.readAllBytes(image);
        Path expected = dir.resolve("s1.raw");
        Peers.ok("qemu-img", "convert", "-O", "raw", "-l", "snapshot.name=s1", image.toString(), expected.toString());

        String[] attached = owner.ok("attach", "-l", "s1", image.toString()).trim().split(" ");
        String list = owner.ok("list");
        assertTrue(list.lines().anyMatch(l -> l.matches(attached[0] + " +ro +512 +0 +4 MiB +" + image
                + " +\\(snapshot s1\\)")), list);
        assertTrue(owner.ok("list", "--json").contains("\"snapshot\": \"s1\""), owner.ok("list", "--json"));
        Peers.ok("qemu-io", "-f", "raw", "-r", "-c", "read -P 1 0 1M", "-c", "read -P 0 1M 1M", attached[1]);
        Path served = dir.resolve("served.raw");
        Peers.ok("nbdcopy", attached[1], served.toString());
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(served), "not s1's content");
        Peers.Result write = Peers.run("qemu-io", "-f", "raw", "-c", "write -P 3 0 64k", attached[1]);
        assertTrue(write.exitCode() != 0 || write.stdout().contains("failed") || write.stderr().contains("failed"),
                "a write to the snapshot was accepted: " + write.stdout() + write.stderr());

        // the other by id (qemu-nbd -l accepts both), beside the first: two readers of one image
        String[] second = owner.ok("attach", "--snapshot", "2", image.toString()).trim().split(" ");
        Peers.ok("qemu-io", "-f", "raw", "-r", "-c", "read -P 2 0 1M", "-c", "read -P 5 1M 1M", second[1]);
        owner.ok("detach", second[0]);
        owner.ok("detach", attached[0]);
        assertArrayEquals(before, Files.readAllBytes(image), "attaching a snapshot changed the image");
        Peers.ok("qemu-img", "check", image.toString());

        QcowctlProcess.Result unknown = owner.run("attach", "-l", "nope", image.toString());
        assertEquals(ExitCodes.REFUSED, unknown.exitCode(), unknown.stderr());
        assertTrue(unknown.stderr().contains("no internal snapshot named 'nope'")
                && unknown.stderr().contains("1 s1, 2 s2"), unknown.stderr());
        QcowctlProcess.Result temporary = owner.run("attach", "-l", "s1", "-t", image.toString());
        assertEquals(ExitCodes.USAGE, temporary.exitCode(), temporary.stderr());
        assertEquals("", owner.ok("list"), "a refused attach left a device");
        assertArrayEquals(before, Files.readAllBytes(image));
    }
}
