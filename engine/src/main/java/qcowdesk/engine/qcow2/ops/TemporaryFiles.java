package qcowdesk.engine.qcow2.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names for files an operation builds beside the one it will replace: in the same directory (so the final rename
 * is atomic), hidden, and unique per process and operation.
 */
final class TemporaryFiles {

    private static final AtomicLong COUNTER = new AtomicLong();

    private TemporaryFiles() {
    }

    /**
     * A new name beside {@code target}; first the files killed operations left under such names for the same
     * target are deleted when they are provably abandoned (see {@link AbandonedFiles}).
     */
    static Path beside(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        removeAbandoned(absolute);
        return absolute.resolveSibling("." + absolute.getFileName() + ".qcowdesk-" + ProcessHandle.current().pid()
                + "-" + COUNTER.incrementAndGet() + ".tmp");
    }

    /** Deletes the abandoned temporary files of {@code target} (named {@code .NAME.qcowdesk-PID-N.tmp}). */
    static int removeAbandoned(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || absolute.getFileName() == null) {
            return 0;
        }
        return AbandonedFiles.delete(dir, Pattern.compile("\\." + Pattern.quote(absolute.getFileName().toString())
                + "\\.qcowdesk-(\\d+)-\\d+\\.tmp"));
    }
}
