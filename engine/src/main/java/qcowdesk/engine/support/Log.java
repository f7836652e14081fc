package qcowdesk.engine.support;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.Supplier;

/**
 * The project's one logging facade, over {@link System.Logger} (so the JDK's own logging backend, or any
 * backend a deployment plugs in through {@code System.LoggerFinder}, receives everything; no dependency).
 *
 * <p>Messages about the process itself (a listener failed, a socket could not be removed) go through
 * {@link #warn}/{@link #error}/... directly. Messages a remote peer can cause, once per connection or per
 * request, go through {@link #peer()}: they must never block an I/O thread nor let a peer flood the log, and
 * that is decided in one place, {@link PeerLog}.
 */
public final class Log {

    static {
        // The JDK names the class that logged by walking the stack past its own logging frames; this makes it
        // walk past the facade too, so a record names its real source (e.g. Transmission, not Log). Read once,
        // when the JDK first infers a caller: set it before anything logs.
        if (System.getProperty("jdk.logger.packages") == null) {
            System.setProperty("jdk.logger.packages", Log.class.getPackageName() + ".");
        }
    }

    private final String name;
    private final PeerLog peer;
    /**
     * Looked up at the first message, not when the class that logs is loaded: the JDK's logging backend
     * (java.util.logging's LogManager, its configuration, the security properties it reads) takes a noticeable
     * part of a server's start-up, and a server that runs well never logs.
     */
    private volatile Logger logger;

    private Log(String name) {
        this.name = name;
        this.peer = new PeerLog(this);
    }

    /** The log of one class. */
    public static Log of(Class<?> owner) {
        return new Log(owner.getName());
    }

    /** The logger, looked up on first use (two threads may both look it up: they get the same one). */
    Logger logger() {
        Logger found = logger;
        if (found == null) {
            found = System.getLogger(name);
            logger = found;
        }
        return found;
    }

    /** Messages caused by a remote peer (a client of the NBD server or of the control socket). */
    public PeerLog peer() {
        return peer;
    }

    public void error(String message, Throwable cause) {
        logger().log(Level.ERROR, message, cause);
    }

    public void warn(String message) {
        logger().log(Level.WARNING, message);
    }

    public void warn(String message, Throwable cause) {
        logger().log(Level.WARNING, message, cause);
    }

    public void info(String message) {
        logger().log(Level.INFO, message);
    }

    /** Built only when debug messages are wanted. */
    public void debug(Supplier<String> message) {
        logger().log(Level.DEBUG, message);
    }
}
