package qcowdesk.cli.support;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import qcowdesk.engine.EngineException;

/** Turns any failure into the one line a user reads after {@code qcowctl: }. */
public final class ErrorMessages {

    private ErrorMessages() {
    }

    public static String describe(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof EngineException || t instanceof CliFailure) {
            return t.getMessage();
        }
        // The JDK's file exceptions carry only the path in their message; say what went wrong, like the C tools.
        if (t instanceof FileSystemException fs) {
            return fileProblem(fs);
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return message;
    }

    private static String fileProblem(FileSystemException fs) {
        String what;
        if (fs instanceof NoSuchFileException) {
            what = "No such file or directory";
        } else if (fs instanceof AccessDeniedException) {
            what = "Permission denied";
        } else if (fs instanceof FileAlreadyExistsException) {
            what = "File exists";
        } else if (fs instanceof NotDirectoryException) {
            what = "Not a directory";
        } else if (fs instanceof DirectoryNotEmptyException) {
            what = "Directory not empty";
        } else {
            what = fs.getReason() != null ? fs.getReason() : fs.getClass().getSimpleName();
        }
        return fs.getFile() == null ? what : fs.getFile() + ": " + what;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof UncheckedIOException || current instanceof CompletionException
                || current instanceof ExecutionException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
