package qcowdesk.cli.device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import qcowdesk.cli.CliRun;
import qcowdesk.cli.QcowctlProcess;
import qcowdesk.testkit.GptExt4Disk;
import qcowdesk.testkit.Peers;

import static qcowdesk.cli.QcowctlProcess.READY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code qcowctl mount/umount} and the busy detach, through a real {@code qcowctl daemon}, the FUSE + loop
 * route (nbdfuse, losetup, the kernel's ext4) and real NBD clients. Needs root, /dev/fuse and loop devices (CI
 * has them; the kernel NBD client is not tested here).
 */
class MountProcessTest {

    @TempDir
    static Path shared;
    static Path runtime;
    static Path socket;
    static QcowctlProcess daemon;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDaemon() {
        for (String peer : List.of("nbdfuse", "fusermount3", "losetup", "sfdisk", "mkfs.ext4", "qemu-img", "qemu-io",
                "partx", "blkid", "ss")) {
            Peers.require(peer);
        }
        runtime = shared.resolve("runtime");
        socket = runtime.resolve("control.sock");
        daemon = QcowctlProcess.start(runtime, shared, "daemon");
        daemon.nextLine(READY);
    }

    @AfterAll
    static void stopDaemon() {
        daemon.signal("TERM");
        QcowctlProcess.Result result = daemon.awaitExit(Duration.ofSeconds(60));
        daemon.close();
        assertEquals(0, result.exitCode(), result.stderr());
        assertNothingLeftBehind();
    }

    /** Whatever a test left mounted (it failed midway) is undone by the owner, so that the next test starts clean. */
    @AfterEach
    void unmountLeftovers() {
        CliRun mounts = cli("mount");
        for (String line : mounts.out().split("\n")) {
            int on = line.indexOf(" on ");
            if (on > 0) {
                cli("umount", line.substring(on + 4, line.indexOf(" via ")));
            }
        }
        CliRun list = cli("list");
        for (String line : list.out().split("\n")) {
            if (line.startsWith("qcow")) {
                cli("detach", "-f", line.split("\\s+")[0]);
            }
        }
    }

    @ParameterizedTest(name = "{0}-byte sectors")
    @ValueSource(ints = {512, 4096})
    void writesThroughTheMountLandInTheImage(int sectorSize) throws Exception {
        Path image = gptExt4Image(sectorSize);
        Path mnt = Files.createDirectory(dir.resolve("mnt"));

        String mounted = ok("mount", "--sector-size", Integer.toString(sectorSize), image.toString(), mnt.toString());
        assertTrue(mounted.contains("partition 1") && mounted.contains("ext4") && mounted.contains("via fuse-loop"),
                mounted);
        Path copy = Files.createDirectory(mnt.resolve("copy"));
        Map<String, String> written = writeTree(copy, sectorSize);
        assertEquals(written, checksums(copy));

        String unmounted = ok("umount", mnt.toString());
        assertTrue(unmounted.contains("detached qcow"), unmounted);
        assertTrue(cli("list").out().isBlank(), "the image attached for the mount is detached after it");
        Peers.ok("qemu-img", "check", image.toString());

        ok("mount", "-r", "--sector-size", Integer.toString(sectorSize), image.toString(), mnt.toString());
        assertEquals(written, checksums(mnt.resolve("copy")), "a second mount reads what the first one wrote");
        ok("umount", image.toString());
        assertTrue(cli("list").out().isBlank());
    }

    @Test
    void readOnlyAttachmentMountsReadOnlyAndLeavesTheImageAlone() throws Exception {
        Path image = gptExt4Image(512);
        byte[] before = Files.readAllBytes(image);
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        String unit = ok("attach", "-r", image.toString()).split(" ")[0];

        String mounted = ok("mount", unit, mnt.toString());
        assertTrue(mounted.contains("read-only"), mounted);
        assertEquals("hello\n", Files.readString(mnt.resolve("hello.txt")));
        IOException refused = assertThrows(IOException.class, () -> Files.writeString(mnt.resolve("new.txt"), "x"));
        assertTrue(refused.getMessage().contains("Read-only file system"), refused.getMessage());

        ok("umount", unit);
        ok("detach", unit);
        assertArrayEquals(before, Files.readAllBytes(image), "a read-only mount changed the image");
    }

    @Test
    void busyDetachNamesTheClientProcessAndTheMountPoint() throws Exception {
        Path image = gptExt4Image(512);
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        ok("mount", image.toString(), mnt.toString());
        String unit = cli("list").out().split("\n")[1].split("\\s+")[0];
        String uri = "nbd+unix:///" + unit + "?socket=" + runtime.resolve("nbd.sock");

        // qemu-io holds its connection while it waits for commands on standard input
        Process qemuIo = new ProcessBuilder("qemu-io", "-f", "raw", uri).redirectErrorStream(true).start();
        try {
            awaitClients(unit, 5); // nbdfuse's 4 connections and qemu-io's
            CliRun busy = cli("detach", unit);
            assertEquals(1, busy.exitCode(), busy.err());
            assertTrue(busy.err().contains("device busy"), busy.err());
            assertTrue(busy.err().contains("pid " + qemuIo.pid() + ": qemu-io -f raw " + uri), busy.err());
            assertTrue(busy.err().contains(" on " + mnt), busy.err());
            assertTrue(busy.err().contains("nbdfuse") && busy.err().contains("part of a mount"), busy.err());

            CliRun unmountFirst = cli("detach", "-u", unit);
            assertEquals(1, unmountFirst.exitCode(), "qemu-io still holds it: -u must refuse, changing nothing");
            assertTrue(cli("mount").out().contains(mnt.toString()), "the refused -u left the mount in place");
        } finally {
            Peers.stop(qemuIo);
        }
        awaitClients(unit, 4);
        CliRun mountsOnly = cli("detach", unit);
        assertTrue(mountsOnly.err().contains("qcowctl detach -u " + unit), mountsOnly.err());
        ok("detach", "-u", unit);
        assertTrue(cli("list").out().isBlank());
        assertTrue(cli("mount").out().isBlank());
        Peers.ok("qemu-img", "check", image.toString());
    }

    @Test
    void forcedDetachOfAMountInUseUnmountsLazilyAndSaysSo() throws Exception {
        Path image = gptExt4Image(512);
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        ok("mount", image.toString(), mnt.toString());
        String unit = cli("list").out().split("\n")[1].split("\\s+")[0];
        try (InputStream open = Files.newInputStream(mnt.resolve("hello.txt"))) {
            CliRun plain = cli("umount", mnt.toString());
            assertEquals(1, plain.exitCode());
            assertTrue(plain.err().contains("cannot unmount " + mnt), plain.err());
            String forced = ok("detach", "-f", unit);
            assertTrue(forced.contains("unmounted lazily"), forced);
        }
        assertTrue(cli("list").out().isBlank());
        Peers.ok("qemu-img", "check", image.toString());
    }

    @Test
    void failuresAreSpecificAndLeaveNothingBehind() throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        Path blank = dir.resolve("blank.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", blank.toString(), "16M");
        CliRun noFs = cli("mount", blank.toString(), mnt.toString());
        assertEquals(1, noFs.exitCode());
        assertTrue(noFs.err().contains("no filesystem on /dev/loop"), noFs.err());

        Path gpt = gptExt4Image(512);
        CliRun noPartition = cli("mount", gpt.toString(), "3", mnt.toString());
        assertTrue(noPartition.err().contains("has no partition 3 (its partitions: [1])"), noPartition.err());

        if (!Files.readString(Path.of("/proc/filesystems")).contains("vfat")) {
            Path fat = dir.resolve("fat.raw");
            Peers.ok("truncate", "-s", "16M", fat.toString());
            Peers.ok("mkfs.vfat", fat.toString());
            Path fatImage = dir.resolve("fat.qcow2");
            Peers.ok("qemu-img", "convert", "-O", "qcow2", fat.toString(), fatImage.toString());
            CliRun noVfat = cli("mount", fatImage.toString(), mnt.toString());
            assertTrue(noVfat.err().contains("holds vfat, which this kernel cannot mount"), noVfat.err());
        }

        Peers.ok("mount", "-t", "tmpfs", "-o", "size=1M", "tmpfs", mnt.toString());
        try {
            CliRun inUse = cli("mount", gpt.toString(), mnt.toString());
            assertTrue(inUse.err().contains("mount point " + mnt + " is in use: tmpfs"), inUse.err());
        } finally {
            Peers.ok("umount", mnt.toString());
        }
        assertTrue(cli("list").out().isBlank(), "a failed mount of an image detaches it again");
        assertNothingLeftBehind();
    }

    /** No FUSE export, no loop device over one, no mount of ours: the owner's mounts directory is empty. */
    private static void assertNothingLeftBehind() {
        String loops = Peers.ok("losetup", "--list", "--noheadings", "-O", "NAME,BACK-FILE").stdout();
        assertTrue(!loops.contains(runtime.toString()), "a loop device is left over: " + loops);
        String mounts = Peers.ok("cat", "/proc/self/mountinfo").stdout();
        assertTrue(!mounts.contains(runtime.toString()), "a FUSE export is left mounted: " + mounts);
        try (Stream<Path> left = Files.list(runtime.resolve("mounts"))) {
            assertEquals(List.of(), left.toList(), "the route's directories are left over");
        } catch (IOException e) {
            // no mount was ever tried
        }
    }

    private Path gptExt4Image(int sectorSize) {
        return GptExt4Disk.create(dir, "disk-" + sectorSize + ".qcow2", sectorSize);
    }

    /** A few directories of files of awkward sizes; returns their checksums. */
    private static Map<String, String> writeTree(Path root, long seed) throws Exception {
        Random random = new Random(seed);
        for (int d = 0; d < 4; d++) {
            Path sub = Files.createDirectories(root.resolve("d" + d));
            for (int f = 0; f < 6; f++) {
                byte[] data = new byte[random.nextInt(700_000) + (f == 0 ? 0 : 1)];
                random.nextBytes(data);
                Files.write(sub.resolve("f" + f + ".bin"), data);
            }
        }
        return checksums(root);
    }

    private static Map<String, String> checksums(Path root) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sums.put(root.relativize(file).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(file))));
            }
        }
        return sums;
    }

    private static void awaitClients(String unit, int clients) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : cli("list").out().split("\n")) {
                String[] f = line.split("\\s+");
                if (f[0].equals(unit) && Integer.parseInt(f[3]) == clients) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        fail(unit + " never had " + clients + " clients: " + cli("list").out());
    }

    private static CliRun cli(String... args) {
        String[] withSocket = new String[args.length + 1];
        withSocket[0] = args[0];
        withSocket[1] = "--socket=" + socket;
        System.arraycopy(args, 1, withSocket, 2, args.length - 1);
        return CliRun.of(withSocket);
    }

    private static String ok(String... args) {
        CliRun run = cli(args);
        if (run.exitCode() != 0) {
            fail("qcowctl " + String.join(" ", args) + " exited " + run.exitCode() + ": " + run.err());
        }
        return run.out();
    }
}
