package qcowdesk.engine.device;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * Turns the operating system's reasons for not opening an image into the engine's error codes, for openers that
 * report plain I/O exceptions (the engine's own opener already throws EngineExceptions with their code).
 */
final class OpenFailures {

    private OpenFailures() {
    }

    static EngineException explain(IOException failure, String fileName, boolean readOnly) {
        if (failure instanceof EngineException engine) {
            // the engine already names its refusals (EACCES, EPERM, EROFS: READ_ONLY_FILE) in its own words
            return engine;
        }
        String reason = failure instanceof FileSystemException fs && fs.getReason() != null
                ? fs.getReason() : failure.getMessage();
        if (failure instanceof NoSuchFileException) {
            return new EngineException(ErrorCode.IO, "cannot open " + fileName + ": no such file", failure);
        }
        if (!readOnly && refusesWriting(failure)) {
            return new EngineException(ErrorCode.READ_ONLY_FILE, "cannot open " + fileName + " for writing ("
                    + reason + "); attach it read-only to use it", failure);
        }
        return new EngineException(ErrorCode.IO, "cannot open " + fileName + ": " + reason, failure);
    }

    /** EACCES, EPERM (e.g. an immutable file, even for root) and EROFS. */
    private static boolean refusesWriting(IOException failure) {
        if (failure instanceof AccessDeniedException) {
            return true;
        }
        if (failure instanceof FileSystemException fs && fs.getReason() != null) {
            String reason = fs.getReason();
            return reason.contains("Read-only file system") || reason.contains("Operation not permitted")
                    || reason.contains("Permission denied");
        }
        return false;
    }
}
