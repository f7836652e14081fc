package qcowdesk.engine.device;

import org.junit.jupiter.api.function.Executable;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Asserts that an engine operation is refused for the right reason. */
final class Refusals {

    private Refusals() {
    }

    /** Runs {@code action}, which must fail with an EngineException of {@code code}; returns it for its message. */
    static EngineException fails(ErrorCode code, Executable action) {
        EngineException e = assertThrows(EngineException.class, action);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }
}
