package qcowdesk.engine.contents.partition;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.Disks;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.LoopDevice;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Partition tables written by sfdisk and sgdisk, read back through qcow2 and compared with sfdisk --json. */
class PartitionScannerTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void dosTableWithLogicalPartitionsMatchesSfdisk() throws IOException {
        Path raw = Disks.sparse(dir.resolve("dos.raw"), 64 * MIB);
        Disks.sfdisk(raw.toString(), """
                label: dos
                label-id: 0x1234abcd
                start=2048, size=8M, type=83, bootable
                size=4M, type=82
                size=8M, type=7
                type=5
                size=4M, type=83
                size=4M, type=8e
                size=4M, type=c
                """);
        PartitionTable t = scan(raw, 512);
        assertEquals(PartitionScheme.MBR, t.scheme());
        assertEquals("0x1234abcd", t.diskId());
        assertSameAsSfdisk(Disks.sfdiskJson(raw.toString()), t);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), t.partitions().stream().map(Partition::number).toList());
        assertTrue(t.partitions().get(0).bootable());
        assertTrue(t.partitions().get(3).container());
        assertEquals("Linux LVM", t.partition(6).orElseThrow().typeName());
        assertTrue(t.warnings().isEmpty(), t.warnings().toString());
    }

    @Test
    void gptBySfdiskWithNamesAndTypesMatchesSfdisk() throws IOException {
        Path raw = Disks.sparse(dir.resolve("gpt.raw"), 64 * MIB);
        Disks.sfdisk(raw.toString(), """
                label: gpt
                size=8M, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI system"
                size=16M, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="root fs"
                size=4M, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, name="swap"
                type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name="données"
                """);
        PartitionTable t = scan(raw, 512);
        assertEquals(PartitionScheme.GPT, t.scheme());
        JsonNode json = Disks.sfdiskJson(raw.toString());
        assertSameAsSfdisk(json, t);
        assertEquals(json.get("id").asText(), t.diskId());
        assertEquals(json.get("firstlba").asLong(), t.firstUsableLba());
        assertEquals(json.get("lastlba").asLong(), t.lastUsableLba());
        assertEquals("EFI System", t.partitions().get(0).typeName());
        assertEquals("Microsoft basic data", t.partitions().get(3).typeName());
        assertEquals("données", t.partitions().get(3).name());
        assertFalse(t.hybridMbr());
        assertTrue(t.warnings().isEmpty(), t.warnings().toString());
    }

    @Test
    void hybridMbrBySgdiskIsReportedAndGptWins() throws IOException {
        Path raw = Disks.sparse(dir.resolve("hybrid.raw"), 64 * MIB);
        Peers.require("sgdisk");
        Peers.ok("sgdisk", "-n", "1:2048:+8M", "-t", "1:ef00", "-c", "1:ESP", "-n", "2:0:+20M", "-t", "2:8300",
                "-c", "2:linux", "-n", "5:0:+4M", "-t", "5:8200", raw.toString());
        Peers.ok("sgdisk", "-h", "1:2", raw.toString());
        PartitionTable t = scan(raw, 512);
        assertEquals(PartitionScheme.GPT, t.scheme());
        assertTrue(t.hybridMbr());
        assertSameAsSfdisk(Disks.sfdiskJson(raw.toString()), t);
        assertEquals(List.of(1, 2, 5), t.partitions().stream().map(Partition::number).toList());
        assertEquals("Linux swap", t.partition(5).orElseThrow().typeName());
    }

    @Test
    void damagedPrimaryGptFallsBackToTheBackup() throws IOException {
        Path raw = Disks.sparse(dir.resolve("backup.raw"), 32 * MIB);
        Disks.sfdisk(raw.toString(), """
                label: gpt
                size=8M, name="one"
                name="two"
                """);
        JsonNode before = Disks.sfdiskJson(raw.toString());
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.seek(512 + 40);
            f.write(new byte[] {1, 2, 3, 4});   // first usable LBA: the header CRC no longer matches
        }
        PartitionTable t = scan(raw, 512);
        assertEquals(PartitionScheme.GPT, t.scheme());
        assertSameAsSfdisk(before, t);
        assertTrue(t.warnings().stream().anyMatch(w -> w.contains("primary header is damaged")
                && w.contains("CRC32")), t.warnings().toString());
    }

    @Test
    void damagedEntryArrayInPrimaryUsesBackupAndBothDamagedIsAClearError() throws IOException {
        Path raw = Disks.sparse(dir.resolve("entries.raw"), 32 * MIB);
        Disks.sfdisk(raw.toString(), "label: gpt\nsize=8M\n");
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.seek(1024 + 56);
            f.write('X');   // a name character of entry 1: the entry array CRC fails
        }
        assertTrue(scan(raw, 512).warnings().stream().anyMatch(w -> w.contains("entry array CRC32")));
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.seek(f.length() - 512 + 16);
            f.write(new byte[] {9, 9});
        }
        ContentsException e = assertThrows(ContentsException.class, () -> scan(raw, 512));
        assertTrue(e.getMessage().startsWith("GPT: primary header damaged"), e.getMessage());
    }

    @Test
    void gptOnA4096ByteSectorLoopDeviceIsDetectedAndTheMismatchWarned() throws IOException {
        Path raw = Disks.sparse(dir.resolve("4k.raw"), 64 * MIB);
        JsonNode json;
        try (LoopDevice loop = LoopDevice.attach(raw, 4096)) {
            Disks.sfdisk(loop.device(), """
                    label: gpt
                    size=8M, type=U, name="esp"
                    size=16M, type=L, name="data"
                    type=S
                    """);
            json = Disks.sfdiskJson(loop.device());
        }
        assertEquals(4096, json.get("sectorsize").asInt());
        PartitionTable t = scan(raw, 512);
        assertEquals(4096, t.sectorSize());
        assertTrue(t.sectorSizeMismatch());
        assertTrue(t.warnings().contains(
                "this disk was partitioned with 4096-byte sectors; attached with 512 its partitions will look wrong"),
                t.warnings().toString());
        assertSameAsSfdisk(json, t);
        assertEquals(8 * MIB, t.partitions().get(0).size());
        PartitionTable attached4k = scan(raw, 4096);
        assertFalse(attached4k.sectorSizeMismatch());
        assertSameAsSfdisk(json, attached4k);
    }

    @Test
    void dosTableOnA4096ByteSectorLoopDevice() throws IOException {
        Path raw = Disks.sparse(dir.resolve("4kdos.raw"), 64 * MIB);
        JsonNode json;
        try (LoopDevice loop = LoopDevice.attach(raw, 4096)) {
            Disks.sfdisk(loop.device(), "label: dos\nsize=8M, type=83\ntype=5\nsize=4M, type=83\n");
            json = Disks.sfdiskJson(loop.device());
        }
        PartitionTable t = scan(raw, 4096);
        assertSameAsSfdisk(json, t);
        assertEquals(4096, t.sectorSize());
    }

    @Test
    void gptAt512IsNotTakenFor4096() throws IOException {
        Path raw = Disks.sparse(dir.resolve("512.raw"), 32 * MIB);
        Disks.sfdisk(raw.toString(), "label: gpt\nsize=8M\n");
        PartitionTable t = scan(raw, 4096);
        assertEquals(512, t.sectorSize());
        assertTrue(t.warnings().contains(SectorSizeWarning.text(512, 4096)));
    }

    @Test
    void extendedChainThatLoopsEndsWithAWarning() throws IOException {
        byte[] disk = new byte[4 << 20];
        mbrEntry(disk, 0, 0, 0x05, 2048, 4096);
        disk[510] = 0x55;
        disk[511] = (byte) 0xaa;
        int ebr = 2048 * 512;
        mbrEntry(disk, ebr, 0, 0x83, 63, 100);
        mbrEntry(disk, ebr + 16, 0, 0x05, 0, 4096);   // next EBR: the same one again
        disk[ebr + 510] = 0x55;
        disk[ebr + 511] = (byte) 0xaa;
        PartitionTable t = PartitionScanner.scan(ByteSource.of(disk), 512);
        assertEquals(2, t.partitions().size());
        assertTrue(t.warnings().get(0).contains("loops back to sector 2048"), t.warnings().toString());
    }

    @Test
    void hugeEntryCountIsRefusedBeforeAllocating() throws IOException {
        byte[] disk = new byte[1 << 20];
        byte[] header = disk;
        int h = 512;
        System.arraycopy("EFI PART".getBytes(), 0, header, h, 8);
        put32(header, h + 12, 92);
        put64(header, h + 24, 1);
        put64(header, h + 72, 2);
        put32(header, h + 80, 0x7fffffff);
        put32(header, h + 84, 128);
        CRC32 crc = new CRC32();
        crc.update(header, h, 92);
        put32(header, h + 16, (int) crc.getValue());
        ContentsException e = assertThrows(ContentsException.class,
                () -> PartitionScanner.scan(ByteSource.of(disk), 512));
        assertTrue(e.getMessage().contains("claims 2147483647 partition entries"), e.getMessage());
    }

    private static void mbrEntry(byte[] b, int sector, int index, int type, long start, long count) {
        int at = sector + 0x1be + index * 16;
        b[at + 4] = (byte) type;
        put32(b, at + 8, (int) start);
        put32(b, at + 12, (int) count);
    }

    private static void put32(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static void put64(byte[] b, int at, long v) {
        put32(b, at, (int) v);
        put32(b, at + 4, (int) (v >>> 32));
    }

    private PartitionTable scan(Path raw, int attachSectorSize) throws IOException {
        Path qcow2 = Disks.toQcow2(raw, dir.resolve(raw.getFileName() + "-" + System.nanoTime() + ".qcow2"));
        try (Qcow2Image image = Disks.open(qcow2)) {
            return PartitionScanner.scan(ByteSource.of(image), attachSectorSize);
        }
    }

    /** Every partition sfdisk lists, with the same start, size, type, name, UUID and bootable flag, and no more. */
    static void assertSameAsSfdisk(JsonNode json, PartitionTable t) {
        assertEquals(json.get("label").asText(), t.scheme().label());
        JsonNode parts = json.get("partitions");
        assertEquals(parts.size(), t.partitions().size(), () -> "sfdisk: " + parts + "\nours: " + t.partitions());
        for (int i = 0; i < parts.size(); i++) {
            JsonNode p = parts.get(i);
            Partition ours = t.partitions().get(i);
            String node = p.get("node").asText();
            assertEquals(node.replaceAll(".*?(\\d+)$", "$1"), Integer.toString(ours.number()), node);
            assertEquals(p.get("start").asLong(), ours.startLba(), node);
            assertEquals(p.get("size").asLong(), ours.sectors(), node);
            if (t.scheme() == PartitionScheme.GPT) {
                assertEquals(p.get("type").asText(), ours.type(), node);
                assertEquals(p.get("uuid").asText(), ours.uuid(), node);
                assertEquals(p.has("name") ? p.get("name").asText() : "", ours.name(), node);
            } else {
                assertEquals(Integer.parseInt(p.get("type").asText(), 16), Integer.parseInt(ours.type(), 16), node);
                assertEquals(p.has("bootable") && p.get("bootable").asBoolean(), ours.bootable(), node);
            }
        }
    }
}
