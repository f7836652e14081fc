package qcowdesk.engine.support;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Log messages a remote peer can cause (one per connection, per request, per failed handshake). The thread
 * that logs is an I/O thread serving that peer, so what happens to the message is a {@link Policy}, set once
 * for the process: the place for rate-limiting and for handing messages off to a writer that never blocks.
 * The default policy queues and rate-limits ({@link QueuedPeerLog}).
 */
public final class PeerLog {

    /** Decides whether and how a peer's message reaches the log. Must not block the calling I/O thread. */
    public interface Policy {
        /** {@code thrown} is null for a message without a stack trace. */
        void log(Logger logger, Level level, Supplier<String> message, Throwable thrown);
    }

    /** Writes every message straight to the logger. */
    public static final Policy DIRECT = (logger, level, message, thrown) -> {
        if (thrown == null) {
            logger.log(level, message);
        } else {
            logger.log(level, message, thrown);
        }
    };

    /**
     * Queued and rate-limited by default ({@link QueuedPeerLog}): one log line per dropped connection written
     * synchronously to a stderr nobody reads once froze a whole server. Made (with its writer thread) when a peer
     * first causes a message, not when a class that may log is loaded: start-up does without it.
     */
    private static volatile Policy policy;

    private final Log log;

    PeerLog(Log log) {
        this.log = log;
    }

    /** Installs the process-wide policy (e.g. a rate limiter); returns the one it replaced. */
    public static synchronized Policy install(Policy replacement) {
        Policy previous = policy();
        policy = Objects.requireNonNull(replacement);
        return previous;
    }

    private static Policy policy() {
        Policy current = policy;
        if (current == null) {
            synchronized (PeerLog.class) {
                if (policy == null) {
                    policy = QueuedPeerLog.standard();
                }
                current = policy;
            }
        }
        return current;
    }

    /** A fault of ours that a peer's request revealed (it may repeat it at will, hence the policy). */
    public void error(Supplier<String> message, Throwable thrown) {
        policy().log(log.logger(), Level.ERROR, message, thrown);
    }

    public void warn(Supplier<String> message) {
        policy().log(log.logger(), Level.WARNING, message, null);
    }

    public void info(Supplier<String> message) {
        policy().log(log.logger(), Level.INFO, message, null);
    }

    public void debug(Supplier<String> message) {
        policy().log(log.logger(), Level.DEBUG, message, null);
    }
}
