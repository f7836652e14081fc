package qcowdesk.engine.support;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * {@link FileBlocks} of a file asked for before it is needed, on a helper thread. A short command that will
 * report a file's allocated size ({@code qcowctl info}) starts it first thing, so that running stat(1) — the
 * one way to st_blocks in Java 17, and a third of such a command's own work — overlaps the rest of its
 * start-up instead of following it. Each answer is used once: whoever asks later, after the file may have
 * changed, stats it afresh.
 */
public final class EarlyFileBlocks {

    private static final Map<Path, FutureTask<FileBlocks>> STARTED = new ConcurrentHashMap<>();

    private EarlyFileBlocks() {
    }

    /** Starts stat(1) of {@code path} on a daemon thread, unless one is already running for it. */
    public static void start(Path path) {
        FutureTask<FileBlocks> task = new FutureTask<>(() -> FileBlocks.of(path));
        if (STARTED.putIfAbsent(path, task) == null) {
            DaemonThreads.start("early-stat", task);
        }
    }

    /**
     * The blocks of {@code path} from a stat started earlier (waiting for it to finish), or null when none was
     * started or it failed: the caller then stats the file itself and meets the failure first hand.
     */
    public static FileBlocks take(Path path) throws IOException {
        FutureTask<FileBlocks> task = STARTED.remove(path);
        if (task == null) {
            return null;
        }
        try {
            return task.get();
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for stat(1) of " + path);
        }
    }
}
