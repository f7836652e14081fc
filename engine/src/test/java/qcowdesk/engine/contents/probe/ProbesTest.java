package qcowdesk.engine.contents.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.contents.DiskContents;
import qcowdesk.engine.contents.Disks;
import qcowdesk.engine.contents.Volume;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.LoopDevice;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Volumes made by the real mkfs tools, probed by us and by {@code blkid -p}: TYPE, LABEL and UUID must agree, on
 * each volume alone and on all of them inside one GPT disk converted to qcow2.
 */
class ProbesTest {

    private static final long MIB = 1 << 20;

    @TempDir
    static Path dir;

    /** Volume name → file, in the order they are placed on the combined disk. */
    private static final Map<String, Path> VOLUMES = new LinkedHashMap<>();

    @BeforeAll
    static void makeVolumes() throws IOException {
        make("ext2", 8, "mke2fs -q -F -t ext2 -L lab-ext2 %s");
        make("ext3", 8, "mke2fs -q -F -t ext3 -L lab-ext3 %s");
        make("ext4", 16, "mke2fs -q -F -t ext4 -O 64bit,metadata_csum -L 'ext4 label' %s");
        make("fat12", 4, "mkfs.vfat -F 12 -n FAT12LAB %s >/dev/null");
        make("fat16", 20, "mkfs.vfat -F 16 -n FAT16LAB %s >/dev/null");
        make("fat32", 40, "mkfs.vfat -F 32 -n FAT32LAB %s >/dev/null");
        make("fat16nolabel", 20, "mkfs.vfat -F 16 %s >/dev/null");
        make("exfat", 8, "mkfs.exfat -L exlab %s >/dev/null");
        make("ntfs", 16, "mkntfs -q -F -f -L ntfslab %s");
        make("xfs", 300, "mkfs.xfs -q -L xfslab %s");
        make("btrfs", 120, "mkfs.btrfs -q -L btrlab %s");
        make("swap", 4, "mkswap -L swaplab %s >/dev/null");
        make("luks1", 20, "printf pw > " + dir.resolve("key") + "; cryptsetup luksFormat -q --type luks1 "
                + "--pbkdf-force-iterations 1000 --key-file " + dir.resolve("key") + " %s");
        make("luks2", 20, "printf pw > " + dir.resolve("key") + "; cryptsetup luksFormat -q --type luks2 "
                + "--label lukslab --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file " + dir.resolve("key")
                + " %s");
        Path lvm = Disks.sparse(dir.resolve("lvm"), 8 * MIB);
        try (LoopDevice loop = LoopDevice.attach(lvm, 512)) {
            Disks.sh(List.of("pvcreate"), "pvcreate -q " + loop.device() + " 2>/dev/null");
        }
        VOLUMES.put("lvm", lvm);
        Path tree = Files.createDirectories(dir.resolve("isotree"));
        Files.writeString(tree.resolve("readme.txt"), "hello");
        Path iso = dir.resolve("iso");
        Disks.sh(List.of("genisoimage"), "genisoimage -quiet -V IsoLabel -J -o " + iso + " " + tree);
        VOLUMES.put("iso", iso);
    }

    private static void make(String name, long mib, String command) throws IOException {
        Path f = Disks.sparse(dir.resolve(name), mib * MIB);
        String tool = command.split(" ")[0].startsWith("printf") ? "cryptsetup" : command.split(" ")[0];
        Disks.sh(List.of(tool), String.format(command, f));
        VOLUMES.put(name, f);
    }

    @Test
    void eachVolumeIsNamedAsBlkidNamesIt() throws IOException {
        for (Map.Entry<String, Path> v : VOLUMES.entrySet()) {
            FsInfo ours = Probes.probe(Disks.rawFile(v.getValue())).orElseThrow(() -> new AssertionError(
                    v.getKey() + ": not recognised"));
            assertSameAsBlkid(v.getKey(), Disks.blkid(v.getValue(), 0), ours);
        }
    }

    @Test
    void recordedSizesAndFreeSpace() throws IOException {
        FsInfo ext4 = Probes.probe(Disks.rawFile(VOLUMES.get("ext4"))).orElseThrow();
        assertEquals(16 * MIB, ext4.size());
        assertTrue(ext4.free() > 0 && ext4.free() < ext4.size(), ext4.toString());
        FsInfo xfs = Probes.probe(Disks.rawFile(VOLUMES.get("xfs"))).orElseThrow();
        assertEquals(300 * MIB, xfs.size());
        assertTrue(xfs.used() > 0, xfs.toString());
        FsInfo fat32 = Probes.probe(Disks.rawFile(VOLUMES.get("fat32"))).orElseThrow();
        assertEquals("FAT32", fat32.version());
        assertTrue(fat32.free() > 30 * MIB, fat32.toString());
        assertEquals("FAT12", Probes.probe(Disks.rawFile(VOLUMES.get("fat12"))).orElseThrow().version());
    }

    @Test
    void everyPartitionOfAQcow2DiskMatchesBlkidAtItsOffset() throws IOException {
        long size = 8 * MIB;
        for (Path v : VOLUMES.values()) {
            size += (Files.size(v) + MIB - 1) / MIB * MIB;
        }
        Path raw = Disks.sparse(dir.resolve("all.raw"), size);
        StringBuilder script = new StringBuilder("label: gpt\n");
        for (Path v : VOLUMES.values()) {
            script.append("size=").append((Files.size(v) + MIB - 1) / MIB).append("M\n");
        }
        Disks.sfdisk(raw.toString(), script.toString());
        Path qcow2 = Disks.toQcow2(raw, dir.resolve("all.qcow2"));
        try (Qcow2Image image = Disks.open(qcow2)) {
            DiskContents before = DiskContents.read(image, 512);
            assertEquals(VOLUMES.size(), before.volumes().size());
        }
        int i = 0;
        List<String> names = List.copyOf(VOLUMES.keySet());
        Map<Integer, Long> offsets = new LinkedHashMap<>();
        try (Qcow2Image image = Disks.open(qcow2)) {
            for (Volume v : DiskContents.read(image, 512).volumes()) {
                offsets.put(i, v.partition().orElseThrow().offset());
                Disks.place(VOLUMES.get(names.get(i)), raw, v.partition().orElseThrow().offset());
                i++;
            }
        }
        Files.delete(qcow2);
        Disks.toQcow2(raw, qcow2);
        try (Qcow2Image image = Disks.open(qcow2)) {
            List<Volume> volumes = DiskContents.read(image, 512).volumes();
            for (int n = 0; n < volumes.size(); n++) {
                FsInfo ours = volumes.get(n).fs().orElseThrow();
                assertSameAsBlkid(names.get(n), Disks.blkid(raw, offsets.get(n)), ours);
            }
        }
    }

    private static void assertSameAsBlkid(String what, Map<String, String> blkid, FsInfo ours) {
        assertEquals(blkid.get("TYPE"), ours.type(), what + " " + blkid);
        assertEquals(blkid.getOrDefault("LABEL", ""), ours.label(), what + " " + blkid);
        assertEquals(blkid.getOrDefault("UUID", ""), ours.uuid(), what + " " + blkid);
    }
}
