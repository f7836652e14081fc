package qcowdesk.engine.qcow2;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.util.HashSet;
import java.util.Set;

/** Stops backing chains that loop or are absurdly deep, so opening never recurses without end. */
final class ChainGuard {

    static final int MAX_DEPTH = 32;

    private final Set<Object> seen = new HashSet<>();
    private int depth;

    void enter(Object fileKey, String name) throws EngineException {
        if (++depth > MAX_DEPTH) {
            throw new EngineException(ErrorCode.UNSUPPORTED,
                    "backing chain is deeper than " + MAX_DEPTH + " images at " + name);
        }
        if (fileKey != null && !seen.add(fileKey)) {
            throw new EngineException(ErrorCode.INVALID_IMAGE, "backing chain loops back to " + name);
        }
    }
}
