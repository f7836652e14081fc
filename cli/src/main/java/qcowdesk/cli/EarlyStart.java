package qcowdesk.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

import qcowdesk.engine.support.DaemonThreads;
import qcowdesk.engine.support.EarlyFileBlocks;

/**
 * What {@code main} does before picocli parses the command line, so that a command's slow first steps start
 * at once and run beside the parsing and the loading of classes (two cores: the second one idles otherwise).
 * Everything here is a guess from the first arguments; a wrong guess costs a helper thread, never a result.
 */
final class EarlyStart {

    /** The JDK's property naming the NIO provider; when set, no service lookup scans the class path for one. */
    static final String SELECTOR_PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";

    /**
     * The provider Linux's JDK 17 uses by default ({@code sun.nio.ch.DefaultSelectorProvider});
     * {@code EarlyStartTest} checks that it still is.
     */
    static final String LINUX_SELECTOR_PROVIDER = "sun.nio.ch.EPollSelectorProvider";

    private EarlyStart() {
    }

    static void begin(String[] args) {
        nameSelectorProvider();
        String command = args.length > 0 ? args[0] : "";
        switch (command) {
            case "info" -> statImage(args);
            case "serve", "daemon" -> DaemonThreads.start("early-random", EarlyStart::seedUnixSocketNames);
            default -> {
                // nothing to start ahead
            }
        }
    }

    /**
     * Without the property, the first socket or selector looks for a provider with a {@code ServiceLoader}, which
     * opens and searches every jar on the class path (the cli's, BouncyCastle's with its six thousand entries, …)
     * to find none and take the default. Naming the default skips that. A value the user set is kept; on another
     * system the JDK's own choice stands.
     */
    private static void nameSelectorProvider() {
        if (System.getProperty(SELECTOR_PROVIDER_PROPERTY) == null && "Linux".equals(System.getProperty("os.name"))) {
            System.setProperty(SELECTOR_PROVIDER_PROPERTY, LINUX_SELECTOR_PROVIDER);
        }
    }

    /**
     * {@code info IMAGE}: the image's allocated size needs a stat(1) process, started now. The image is the last
     * argument (a guess: when it is not, the stat goes unused and info stats the right file itself).
     */
    private static void statImage(String[] args) {
        String last = args[args.length - 1];
        if (args.length < 2 || last.startsWith("-")) {
            return;
        }
        try {
            EarlyFileBlocks.start(Path.of(last));
        } catch (InvalidPathException e) {
            // picocli will say what is wrong with it
        }
    }

    /**
     * A server's first Unix socket initialises the JDK's Unix-domain socket support, which seeds a SecureRandom
     * (for the names of sockets bound without one): the security providers are set up, their algorithm tables
     * built. It is the same SecureRandom asked for here, on a helper thread while the image opens, so that the
     * listener finds it ready.
     */
    private static void seedUnixSocketNames() {
        try {
            SecureRandom.getInstance("NativePRNGNonBlocking");
        } catch (NoSuchAlgorithmException e) {
            new SecureRandom();
        }
    }
}
