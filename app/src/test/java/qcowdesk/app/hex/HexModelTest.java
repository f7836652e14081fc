package qcowdesk.app.hex;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HexModelTest {

    @Test
    void navigatesBySectorAndByOffsetInTheDeviceSectorSize() {
        HexModel model = new HexModel(1 << 20, 4096);
        assertEquals(256, model.sectorCount());
        model.goToOffset(0x3001);
        assertEquals(3, model.lba());
        assertEquals(0x3000, model.offset());
        model.next();
        assertEquals(4, model.lba());
        model.goToLba(255);
        assertFalse(model.hasNext());
        model.next();
        assertEquals(255, model.lba());
        model.goToLba(0);
        model.previous();
        assertEquals(0, model.lba());
    }

    @Test
    void refusesPositionsOutsideTheDiskWithAMessageNamingTheRange() {
        HexModel model = new HexModel(1 << 20, 512);
        var e = assertThrows(IllegalArgumentException.class, () -> model.goToLba(2048));
        assertTrue(e.getMessage().contains("0 to 2047"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.goToOffset(-1));
        var parse = assertThrows(IllegalArgumentException.class, () -> HexModel.parseNumber("12z", "sector number"));
        assertTrue(parse.getMessage().contains("\"12z\""), parse.getMessage());
        assertEquals(0x1f000, HexModel.parseNumber(" 0x1F000 ", "offset"));
        assertEquals(1_000_000, HexModel.parseNumber("1,000,000", "offset"));
    }

    @Test
    void searchContinuesAfterTheLastMatchInTheSameSector() {
        HexModel model = new HexModel(1 << 20, 512);
        model.goToLba(2);
        assertEquals(1024, model.searchStart());
        model.found(1030);
        assertEquals(1031, model.searchStart());
        assertEquals(6, model.matchInSector());
        model.next();
        assertEquals(1536, model.searchStart());
        assertEquals(-1, model.matchInSector());
    }

    @Test
    void rowsShowOffsetHexAndAscii() {
        byte[] data = new byte[20];
        System.arraycopy("QcowDesk!".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, data, 7, 9);
        String text = HexRows.format(0x200, data);
        String[] rows = text.split("\n");
        assertEquals(2, rows.length);
        assertEquals("0000000000000200  00 00 00 00 00 00 00 51  63 6f 77 44 65 73 6b 21  |.......QcowDesk!|", rows[0]);
        assertEquals("0000000000000210  00 00 00 00", rows[1].substring(0, 29));
        assertEquals("51", text.substring(HexRows.charIndex(7), HexRows.charIndex(7) + 2));
        assertEquals("63", text.substring(HexRows.charIndex(8), HexRows.charIndex(8) + 2));
        assertEquals("00", text.substring(HexRows.charIndex(17), HexRows.charIndex(17) + 2));
        assertEquals(HexRows.ROW_LENGTH, rows[0].length() + 1);
    }

    @Test
    void patternsParseHexAndTextAndRejectNonsenseClearly() {
        assertEquals(4, SearchPattern.hex("de:ad BE ef").bytes().length);
        assertEquals(2, SearchPattern.hex("0xcafe").bytes().length);
        assertTrue(SearchPattern.hex("00 00").allZero());
        assertEquals(3, SearchPattern.text("héj").bytes().length - 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SearchPattern.hex("abc")).getMessage().contains("even"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SearchPattern.hex("xy")).getMessage().contains("\"xy\""));
        assertThrows(IllegalArgumentException.class, () -> SearchPattern.text(""));
    }
}
