package qcowdesk.app.newimage;

import org.junit.jupiter.api.Test;
import qcowdesk.engine.EngineException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NewImageFormTest {

    @Test
    void sizesUsePowersOf1024() throws EngineException {
        assertEquals(10L << 30, NewImageForm.parseSize("10G"));
        assertEquals(512L << 20, NewImageForm.parseSize(" 512 MiB "));
        assertEquals(3L << 39, NewImageForm.parseSize("1.5T"));
        assertEquals(1048576, NewImageForm.parseSize("1048576"));
        assertEquals(4096, NewImageForm.parseSize("4k"));
    }

    @Test
    void badSizesAreExplained() {
        assertTrue(assertThrows(EngineException.class, () -> NewImageForm.parseSize("lots")).getMessage().contains("not a size"));
        assertTrue(assertThrows(EngineException.class, () -> NewImageForm.parseSize("100")).getMessage().contains("between 512 bytes"));
        assertTrue(assertThrows(EngineException.class, () -> NewImageForm.parseSize("1000")).getMessage().contains("multiple of 512"));
        assertTrue(assertThrows(EngineException.class, () -> NewImageForm.parseSize("9000P")).getMessage().contains("between"));
    }

    @Test
    void formChecksEveryField() throws EngineException {
        assertEquals(2048, NewImageForm.parse("/tmp/x.qcow2", "1G", 2048, 2, " ").clusterSize());
        assertEquals("base.qcow2", NewImageForm.parse("/tmp/x.qcow2", "1G", 65536, 3, "base.qcow2").backingFile());
        assertThrows(EngineException.class, () -> NewImageForm.parse(" ", "1G", 65536, 3, null));
        assertThrows(EngineException.class, () -> NewImageForm.parse("/tmp/x.qcow2", "1G", 3000, 3, null));
        assertThrows(EngineException.class, () -> NewImageForm.parse("/tmp/x.qcow2", "1G", 65536, 4, null));
    }
}
