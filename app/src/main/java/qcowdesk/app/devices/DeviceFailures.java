package qcowdesk.app.devices;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.io.IOException;

/** Turns any I/O failure of a device operation into the engine exception the app shows. */
final class DeviceFailures {

    private DeviceFailures() {
    }

    static EngineException asEngineFailure(IOException e) {
        return e instanceof EngineException engine ? engine : new EngineException(ErrorCode.IO, e.getMessage(), e);
    }
}
