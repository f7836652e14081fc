package qcowdesk.engine;

import java.io.IOException;

/** An engine failure whose message is fit to show a user as it is. */
public class EngineException extends IOException {

    private final ErrorCode code;

    public EngineException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public EngineException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
