package qcowdesk.cli.contents;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.CliRun;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.LoopDevice;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * qcowctl parts/ls/cat/extract/du on a qcow2 disk with an ext4 and a FAT32 partition made by the real tools,
 * checked against sfdisk, blkid and the source tree; also while the image is open for writing elsewhere.
 */
class ContentsCommandsTest {

    private static final long MIB = 1 << 20;

    @TempDir
    static Path dir;
    static Path tree;
    static Path raw;
    static Path image;

    @BeforeAll
    static void makeDisk() throws IOException {
        tree = Files.createDirectories(dir.resolve("tree"));
        Random random = new Random(3);
        byte[] data = new byte[300_000];
        random.nextBytes(data);
        Files.write(tree.resolve("data.bin"), data);
        Files.createDirectories(tree.resolve("etc/conf.d"));
        Files.writeString(tree.resolve("etc/fstab"), "/dev/vda1 / ext4 defaults 0 1\n");
        Files.writeString(tree.resolve("etc/conf.d/net"), "dhcp\n");
        Path secret = tree.resolve("etc/shadow");
        Files.writeString(secret, "root:*:1:0:99999:7:::\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(secret, FileTime.from(Instant.parse("2020-01-02T03:04:05Z")));
        Files.createSymbolicLink(tree.resolve("etc/mtab"), Path.of("../proc/self/mounts"));
        Files.createLink(tree.resolve("data-link.bin"), tree.resolve("data.bin"));
        try (FileChannel ch = FileChannel.open(tree.resolve("sparse.img"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("x".getBytes()), 30 * MIB);
        }
        Path ext = sparse(dir.resolve("ext.fs"), 40 * MIB);
        sh("mke2fs -q -F -t ext4 -L rootfs -d " + tree + " " + ext);
        Path fat = sparse(dir.resolve("fat.fs"), 40 * MIB);
        sh("mkfs.vfat -F 32 -n BOOT " + fat + " >/dev/null && mmd -i " + fat + " ::/etc && mcopy -s -i " + fat + " " + tree
                + "/etc/fstab " + tree + "/etc/shadow " + tree + "/etc/conf.d ::/etc");
        raw = sparse(dir.resolve("disk.raw"), 90 * MIB);
        sh("sfdisk -q --no-reread --no-tell-kernel " + raw + " <<'END'\nlabel: gpt\nstart=2048, size=40M, type=L, "
                + "name=root\nsize=40M, type=U, name=esp\nEND");
        sh("dd if=" + ext + " of=" + raw + " bs=64K seek=" + MIB + " oflag=seek_bytes conv=sparse,notrunc status=none");
        sh("dd if=" + fat + " of=" + raw + " bs=64K seek=" + 41 * MIB + " oflag=seek_bytes conv=sparse,notrunc "
                + "status=none");
        image = dir.resolve("disk.qcow2");
        Peers.ok("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), image.toString());
    }

    private static Path sparse(Path p, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    private static String sh(String script) {
        for (String tool : List.of("sfdisk", "mke2fs", "mkfs.vfat", "mcopy", "dd")) {
            Peers.require(tool);
        }
        return Peers.ok("bash", "-euc", script).stdout();
    }

    @Test
    void partsListsWhatSfdiskAndBlkidSee() throws IOException {
        CliRun run = CliRun.of("parts", image.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("Disklabel type: gpt"), run.out());
        assertTrue(run.out().matches("(?s).*" + image + ":1 +2048 +83967 +81920 +40 MiB Linux filesystem +ext4 "
                + "+rootfs .*"), run.out());
        assertTrue(run.out().matches("(?s).*" + image + ":2 +83968 .* EFI System +vfat +BOOT .*"), run.out());
        JsonNode ours = new ObjectMapper().readTree(CliRun.of("parts", "--json", image.toString()).out())
                .get("partitiontable");
        JsonNode sfdisk = new ObjectMapper().readTree(Peers.ok("sfdisk", "--json", raw.toString()).stdout())
                .get("partitiontable");
        assertEquals(sfdisk.get("id").asText(), ours.get("id").asText());
        for (int i = 0; i < 2; i++) {
            JsonNode p = ours.get("partitions").get(i);
            JsonNode s = sfdisk.get("partitions").get(i);
            assertEquals(s.get("start").asLong(), p.get("start").asLong());
            assertEquals(s.get("size").asLong(), p.get("size").asLong());
            assertEquals(s.get("uuid").asText(), p.get("uuid").asText());
            String blkidUuid = Peers.ok("blkid", "-p", "-o", "value", "-s", "UUID", "-O",
                    Long.toString(s.get("start").asLong() * 512), raw.toString()).stdout().trim();
            assertEquals(blkidUuid, p.get("filesystem").get("uuid").asText());
        }
    }

    @Test
    void lsListsLikeLs() {
        CliRun plain = CliRun.of("ls", image + ":1", "/etc");
        assertEquals(0, plain.exitCode(), plain.err());
        assertEquals("conf.d\nfstab\nmtab\nshadow\n", plain.out());
        CliRun longRun = CliRun.of("ls", "-l", image + ":1", "/etc");
        assertTrue(longRun.out().contains("-rw-r-----   1     0     0         22 "), longRun.out());
        assertTrue(longRun.out().contains(" mtab -> ../proc/self/mounts\n"), longRun.out());
        CliRun recursive = CliRun.of("ls", "-R", image + ":2");
        assertEquals("/:\netc\n\n/etc:\nconf.d\nfstab\nshadow\n\n/etc/conf.d:\nnet\n", recursive.out());
    }

    @Test
    void catWritesTheBytes() throws IOException {
        OutputStream saved = CatCommand.stdout;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        CatCommand.stdout = captured;
        try {
            CliRun run = CliRun.of("cat", image + ":1", "/data.bin");
            assertEquals(0, run.exitCode(), run.err());
        } finally {
            CatCommand.stdout = saved;
        }
        assertArrayEquals(Files.readAllBytes(tree.resolve("data.bin")), captured.toByteArray());
    }

    @Test
    void extractKeepsLinksHolesModesAndTimes() throws IOException {
        Path dest = dir.resolve("out");
        CliRun run = CliRun.of("extract", image + ":1", "/", dest.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertArrayEquals(Files.readAllBytes(tree.resolve("data.bin")), Files.readAllBytes(dest.resolve("data.bin")));
        assertTrue(Files.isSameFile(dest.resolve("data.bin"), dest.resolve("data-link.bin")), "hard link kept");
        assertEquals(Path.of("../proc/self/mounts"), Files.readSymbolicLink(dest.resolve("etc/mtab")));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dest.resolve("etc/shadow"))));
        assertEquals(Instant.parse("2020-01-02T03:04:05Z"),
                Files.getLastModifiedTime(dest.resolve("etc/shadow")).toInstant());
        assertEquals(30 * MIB + 1, Files.size(dest.resolve("sparse.img")));
        long blocks = Long.parseLong(Peers.ok("stat", "-c", "%b", dest.resolve("sparse.img").toString())
                .stdout().trim());
        assertTrue(blocks <= 64, "sparse stays sparse: " + blocks + " blocks");
        assertEquals("dhcp\n", Files.readString(dest.resolve("etc/conf.d/net")));
        assertTrue(Files.isDirectory(dest.resolve("lost+found"), LinkOption.NOFOLLOW_LINKS));

        Path single = Files.createDirectories(dir.resolve("single"));
        assertEquals(0, CliRun.of("extract", image + ":2", "/etc/fstab", single.toString()).exitCode());
        assertEquals("/dev/vda1 / ext4 defaults 0 1\n", Files.readString(single.resolve("fstab")));
    }

    @Test
    void duAttributesTheStoredDataToFiles() {
        CliRun run = CliRun.of("du", "-b", image + ":1");
        assertEquals(0, run.exitCode(), run.err());
        // whole 1 KiB blocks; a file with two names counts once, under the name met first
        assertTrue(run.out().matches("(?s).*\n    300032  /data(-link)?\\.bin\n.*"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.endsWith("  /") && !l.contains("allocated")), run.out());
    }

    @Test
    void worksWhileTheImageIsOpenForWriting() throws IOException {
        try (Qcow2Image writer = Qcow2Image.open(image, OpenOptions.readWrite())) {
            CliRun run = CliRun.of("ls", image + ":2", "/etc/conf.d");
            assertEquals(0, run.exitCode(), run.err());
            assertEquals("net\n", run.out().toLowerCase());
            assertTrue(writer.size() > 0);
        }
    }

    @Test
    void errorsAreOneClearLine() {
        CliRun missing = CliRun.of("cat", image + ":1", "/etc/nope");
        assertEquals(1, missing.exitCode());
        assertEquals("qcowctl: /etc/nope: no such file or directory\n", missing.err());
        CliRun noPart = CliRun.of("ls", image.toString());
        assertEquals(1, noPart.exitCode());
        assertEquals("qcowctl: the disk has 2 partitions; name one as IMAGE:N (see 'qcowctl parts')\n",
                noPart.err());
        CliRun dirCat = CliRun.of("cat", image + ":1", "/etc");
        assertEquals("qcowctl: /etc: is a directory\n", dirCat.err());
    }

    @Test
    void aTableWrittenFor4096ByteSectorsIsWarnedAbout() throws IOException {
        Path raw4k = sparse(dir.resolve("4k.raw"), 32 * MIB);
        try (LoopDevice loop = LoopDevice.attach(raw4k, 4096)) {
            sh("sfdisk -q --no-reread --no-tell-kernel " + loop.device() + " <<'END'\nlabel: gpt\nsize=8M\nEND");
        }
        Path img = dir.resolve("4k.qcow2");
        Peers.ok("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw4k.toString(), img.toString());
        CliRun run = CliRun.of("parts", img.toString());
        assertEquals(0, run.exitCode());
        assertEquals("qcowctl: warning: this disk was partitioned with 4096-byte sectors; attached with 512 its "
                + "partitions will look wrong\n", run.err());
        assertTrue(run.out().contains("Units: sectors of 1 * 4096 = 4096 bytes (the table's own sector size"),
                run.out());
    }

    @Test
    void anMbrDiskIsListedInSfdisksOrderExtendedBeforeLogicals() throws IOException {
        Path mbr = sparse(dir.resolve("mbr.raw"), 64 * MIB);
        sh("sfdisk -q --no-reread --no-tell-kernel " + mbr + " <<'END'\nlabel: dos\nstart=2048, size=16384, "
                + "type=83\nstart=18432, size=81920, type=5\nstart=20480, size=20480, type=83\nstart=43008, "
                + "size=20480, type=83\nstart=102400, size=20480, type=83\nEND");
        Path img = dir.resolve("mbr.qcow2");
        Peers.ok("qemu-img", "convert", "-f", "raw", "-O", "qcow2", mbr.toString(), img.toString());
        CliRun run = CliRun.of("parts", img.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> ours = run.out().lines().filter(l -> l.startsWith(img + ":"))
                .map(l -> l.substring(img.toString().length() + 1).split(" +", 4)[0] + " "
                        + l.split(" +")[1] + " " + l.split(" +")[2]).toList();
        List<String> theirs = Peers.ok("sfdisk", "-l", mbr.toString()).stdout().lines()
                .filter(l -> l.startsWith(mbr.toString()))
                .map(l -> l.substring(mbr.toString().length()).split(" +")[0] + " " + l.split(" +")[1] + " "
                        + l.split(" +")[2]).toList();
        assertEquals(List.of("1 2048 18431", "2 18432 100351", "3 102400 122879", "5 20480 40959",
                "6 43008 63487"), theirs);
        assertEquals(theirs, ours);
    }
}
