package qcowdesk.engine.qcow2.ops;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names for files an operation builds beside the one it will replace: in the same directory (so the final rename
 * is atomic), hidden, and unique per process and operation.
 */
final class TemporaryFiles {

    private static final AtomicLong COUNTER = new AtomicLong();

    private TemporaryFiles() {
    }

    static Path beside(Path target) {
        Path absolute = target.toAbsolutePath();
        return absolute.resolveSibling("." + absolute.getFileName() + ".qcowdesk-" + ProcessHandle.current().pid()
                + "-" + COUNTER.incrementAndGet() + ".tmp");
    }
}
