package qcowdesk.app.hex;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.app.inspect.QemuImages;
import qcowdesk.app.inspect.SampleImage;
import qcowdesk.app.inspect.Sizes;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.testing.QemuMap;
import qcowdesk.testkit.Qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sectors, mappings and searches on an image written by qemu-io. */
class HexOfRealImagesTest {

    @TempDir
    Path dir;
    Path image;
    List<MapEntry> qemu;

    @BeforeEach
    void image() throws Exception {
        image = SampleImage.create(dir);
        qemu = QemuMap.of(image);
    }

    @Test
    void aDataSectorShowsThePatternAndTheHostOffsetQemuReports() throws Exception {
        try (Qcow2Image disk = Qcow2Image.open(image, OpenOptions.readOnly())) {
            long lba = SampleImage.DATA / 512 + 3;
            SectorView sector = SectorReader.read(disk, lba, 512);

            assertEquals(SampleImage.DATA + 3 * 512, sector.offset());
            for (byte b : sector.bytes()) {
                assertEquals((byte) 0xab, b);
            }
            String firstRow = sector.hexText().lines().findFirst().orElseThrow();
            assertEquals(String.format("%016x  ", sector.offset()) + "ab ".repeat(8) + " " + "ab ".repeat(8) + " |" + ".".repeat(16) + "|", firstRow);
            long host = hostOffsetFromQemu(sector.offset());
            assertEquals("data at host " + Sizes.hex(host), sector.mappingText());
        }
    }

    @Test
    void sectorsOfEveryKindSayWhereTheirBytesComeFrom() throws Exception {
        try (Qcow2Image disk = Qcow2Image.open(image, OpenOptions.readOnly())) {
            SectorView backing = SectorReader.read(disk, 0, 4096);
            assertEquals(0x11, backing.bytes()[4095]);
            assertTrue(backing.mappingText().startsWith("backing file (layer 1) at offset 0x"), backing.mappingText());

            SectorView compressed = SectorReader.read(disk, SampleImage.COMPRESSED / 4096, 4096);
            assertEquals(0x33, compressed.bytes()[0]);
            assertEquals("compressed cluster", compressed.mappingText());

            assertEquals("zero cluster (reads as zeros)", SectorReader.read(disk, SampleImage.ZERO / 512, 512).mappingText());
            assertEquals("unallocated (reads as zeros)", SectorReader.read(disk, 7 << 11, 512).mappingText());
            // The last sector of the disk, in 4096-byte sectors.
            assertEquals(2047, new HexModel(disk.size(), 4096).sectorCount() - 1);
        }
    }

    @Test
    void searchFindsTextAndBytesAtTheOffsetsQemuWroteThem() throws Exception {
        try (Qcow2Image disk = Qcow2Image.open(image, OpenOptions.readOnly())) {
            assertEquals(SampleImage.NEEDLE, PatternSearch.find(disk, SearchPattern.text(SampleImage.NEEDLE_TEXT), 0, () -> false, x -> { }));
            assertEquals(SampleImage.COMPRESSED, PatternSearch.find(disk, SearchPattern.hex("33 33 33 33"), SampleImage.DATA, () -> false, x -> { }));
            assertEquals(-1, PatternSearch.find(disk, SearchPattern.text(SampleImage.NEEDLE_TEXT), SampleImage.NEEDLE + 1, () -> false, x -> { }));
            // The backing file's data is found through the top image.
            assertEquals(0, PatternSearch.find(disk, SearchPattern.hex("11 11"), 0, () -> false, x -> { }));

            HexModel model = new HexModel(disk.size(), 512);
            model.found(SampleImage.NEEDLE);
            assertEquals(SampleImage.NEEDLE / 512, model.lba());
            SectorView sector = SectorReader.read(disk, model.lba(), 512);
            int at = model.matchInSector();
            assertEquals("51", sector.hexText().substring(HexRows.charIndex(at), HexRows.charIndex(at) + 2));
        }
    }

    @Test
    void aSectorStraddlingSubclustersNamesEachPart() throws Exception {
        Path sub = Qemu.create(dir, "subclusters.qcow2", "4M", 65536, "-o", "extended_l2=on");
        Qemu.io(sub, "write -P 0x77 0 2k");
        long host = QemuImages.entryAt(QemuMap.of(sub), 0).hostOffset();
        try (Qcow2Image disk = Qcow2Image.open(sub, OpenOptions.readOnly())) {
            SectorView sector = SectorReader.read(disk, 0, 4096);
            assertEquals(0x77, sector.bytes()[2047]);
            assertEquals(0, sector.bytes()[2048]);
            assertEquals("+0..2047: data at host " + Sizes.hex(host) + "; +2048..4095: unallocated (reads as zeros)",
                    sector.mappingText());
        }
    }

    private long hostOffsetFromQemu(long guest) {
        MapEntry entry = QemuImages.entryAt(qemu, guest);
        return entry.hostOffset() + (guest - entry.start());
    }
}
