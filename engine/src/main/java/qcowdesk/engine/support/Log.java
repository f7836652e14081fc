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

    private final Logger logger;
    private final PeerLog peer;

    private Log(Logger logger) {
        this.logger = logger;
        this.peer = new PeerLog(logger);
    }

    /** The log of one class. */
    public static Log of(Class<?> owner) {
        return new Log(System.getLogger(owner.getName()));
    }

    /** Messages caused by a remote peer (a client of the NBD server or of the control socket). */
    public PeerLog peer() {
        return peer;
    }

    public void error(String message, Throwable cause) {
        logger.log(Level.ERROR, message, cause);
    }

    public void warn(String message) {
        logger.log(Level.WARNING, message);
    }

    public void warn(String message, Throwable cause) {
        logger.log(Level.WARNING, message, cause);
    }

    public void info(String message) {
        logger.log(Level.INFO, message);
    }

    /** Built only when debug messages are wanted. */
    public void debug(Supplier<String> message) {
        logger.log(Level.DEBUG, message);
    }
}
