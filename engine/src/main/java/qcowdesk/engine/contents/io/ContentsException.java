package qcowdesk.engine.contents.io;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * Something the guest wrote cannot be read: a damaged or hostile partition table or filesystem structure, or a
 * feature the readers do not support. The message names the structure and the value.
 */
public class ContentsException extends EngineException {

    public ContentsException(String message) {
        super(ErrorCode.INVALID_IMAGE, message);
    }

    public ContentsException(ErrorCode code, String message) {
        super(code, message);
    }
}
