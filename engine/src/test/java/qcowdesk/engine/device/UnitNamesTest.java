package qcowdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

class UnitNamesTest {

    @Test
    void oneRuleForEveryName() {
        for (String good : new String[] {"qcow0", "qcow10", "_vm", "vm-1.2", "a".repeat(64)}) {
            assertTrue(UnitNames.isValid(good), good);
        }
        for (String bad : new String[] {"", "qcow01", ".x", "-x", "a b", "../x", "a".repeat(65), "é"}) {
            assertFalse(UnitNames.isValid(bad), bad);
        }
    }

    @Test
    void argumentsMayBeBareNumbers() throws EngineException {
        assertEquals("qcow3", UnitNames.fromArgument("3"));
        assertEquals("qcow7", UnitNames.fromArgument("007"));
        assertEquals("_vm", UnitNames.fromArgument("_vm"));
        EngineException e = assertThrows(EngineException.class, () -> UnitNames.fromArgument("qcow01"));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    }

    @Test
    void nextFreeIsTheLowestNumberNotTaken() {
        assertEquals("qcow0", UnitNames.nextFree(Set.of()));
        assertEquals("qcow2", UnitNames.nextFree(Set.of("qcow0", "qcow1", "qcow3", "vm")));
        assertEquals("qcow5", UnitNames.numbered(5));
    }
}
