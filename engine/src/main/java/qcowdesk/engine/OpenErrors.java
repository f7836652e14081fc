package qcowdesk.engine;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * The one mapping from the operating system's reasons for not opening a file to the engine's errors, so that a
 * missing or unwritable image reads the same whether it is attached, inspected, checked or repaired.
 * A file that exists but may not be written, when writing was asked for (EACCES, EPERM as for an immutable
 * file even for root, EROFS), is {@link ErrorCode#READ_ONLY_FILE}; everything else is {@link ErrorCode#IO}.
 */
public final class OpenErrors {

    /** The remedy the device table offers for an image it may not write. */
    public static final String ATTACH_READ_ONLY = "attach it read-only";

    private OpenErrors() {
    }

    /**
     * The engine's error for a failed open of {@code file}.
     *
     * @param writing whether the open asked for write access
     * @param remedy  what the user can do about a file that may not be written (null: nothing to suggest)
     */
    public static EngineException explain(IOException failure, String file, boolean writing, String remedy) {
        if (failure instanceof EngineException engine) {
            return engine;
        }
        if (failure instanceof NoSuchFileException) {
            return new EngineException(ErrorCode.IO, "cannot open " + file + ": no such file", failure);
        }
        String reason = reason(failure);
        if (writing && refusesWriting(failure)) {
            return new EngineException(ErrorCode.READ_ONLY_FILE, "cannot open " + file + " for writing (" + reason
                    + ")" + (remedy == null ? "" : "; " + remedy), failure);
        }
        return new EngineException(ErrorCode.IO, "cannot open " + file + ": " + reason, failure);
    }

    private static String reason(IOException failure) {
        if (failure instanceof FileSystemException fs) {
            if (fs.getReason() != null) {
                return fs.getReason();
            }
            if (failure instanceof AccessDeniedException) {
                return "Permission denied";
            }
        }
        return String.valueOf(failure.getMessage());
    }

    /** EACCES, EPERM (e.g. an immutable or append-only file, even for root) and EROFS. */
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
