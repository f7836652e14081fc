package qcowdesk.app.devices;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Starts a {@code qcowctl daemon} that outlives the app (in a session of its own, so closing the terminal the
 * app was started from does not stop it), and waits until its control socket answers. The next app start finds
 * it running and becomes its client, as every front end does.
 *
 * <p>Which qcowctl: the command in {@value #COMMAND_PROPERTY} (or {@code $QCOWDESK_QCOWCTL}), else the
 * {@code qcowctl} beside the app's own launcher (the installed app image has both in {@code bin/}), else
 * {@code qcowctl} on the PATH, else the source tree's {@code bin/qcowctl}.
 */
public final class BackgroundOwner {

    public static final String COMMAND_PROPERTY = "qcowdesk.qcowctl";
    public static final String COMMAND_ENV = "QCOWDESK_QCOWCTL";

    /** Set by the app image's launchers: the path of bin/QcowDesk. */
    static final String APP_PATH_PROPERTY = "jpackage.app-path";

    public static final String LOG_NAME = "daemon.log";
    /** A cold JVM and the first build of a source tree's jar take a while; an owner that never answers is an error. */
    static final long READY_MILLIS = 60_000;

    private final List<String> qcowctl;

    public BackgroundOwner(List<String> qcowctl) {
        this.qcowctl = List.copyOf(qcowctl);
    }

    /** The command that runs qcowctl here, e.g. {@code [/opt/qcowdesk/bin/qcowctl]}. */
    public List<String> command() {
        return qcowctl;
    }

    /** Finds qcowctl as described above; empty when there is none. */
    public static Optional<BackgroundOwner> locate() {
        String configured = Optional.ofNullable(System.getProperty(COMMAND_PROPERTY)).orElse(System.getenv(COMMAND_ENV));
        if (configured != null && !configured.isBlank()) {
            return Optional.of(new BackgroundOwner(Arrays.asList(configured.strip().split("\\s+"))));
        }
        List<Path> candidates = new ArrayList<>();
        // the app image's launcher (bin/QcowDesk, or bin/qcowdesk, which names it) has bin/qcowctl beside it
        Optional.ofNullable(System.getProperty(APP_PATH_PROPERTY)).map(Path::of).map(Path::getParent)
                .ifPresent(dir -> candidates.add(dir.resolve("qcowctl")));
        ProcessHandle.current().info().command().map(Path::of).map(Path::getParent)
                .ifPresent(dir -> candidates.add(dir.resolve("qcowctl")));
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "qcowctl"));
            }
        }
        sourceTree().ifPresent(root -> candidates.add(root.resolve("bin/qcowctl")));
        return candidates.stream().filter(Files::isExecutable).findFirst()
                .map(file -> new BackgroundOwner(List.of(file.toString())));
    }

    /** The source tree the app runs from (app/target/classes), if it does. */
    private static Optional<Path> sourceTree() {
        try {
            Path classes = Path.of(BackgroundOwner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = classes; dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("bin/qcowctl")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                    return Optional.of(dir);
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // not run from a directory of classes: no source tree
        }
        return Optional.empty();
    }

    /**
     * Starts {@code qcowctl daemon} on {@code runtime} and returns once its control socket answers; its output
     * goes to {@value #LOG_NAME} in the runtime directory. Fails with the log's end when it exits or stays silent.
     */
    public ProcessHandle start(RuntimeDirectory runtime) throws IOException {
        runtime.ensureExists();
        Path log = runtime.path().resolve(LOG_NAME);
        List<String> command = new ArrayList<>();
        command.add("setsid");
        command.addAll(qcowctl);
        command.addAll(List.of("daemon", "--runtime-dir", runtime.path().toString()));
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true)
                .start();
        long deadline = System.currentTimeMillis() + READY_MILLIS;
        while (true) {
            try (ControlClient client = ControlClient.connect(runtime)) {
                client.hello();
                return process.toHandle();
            } catch (IOException notYet) {
                if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                    process.destroy();
                    throw new EngineException(ErrorCode.IO, "The background owner (" + String.join(" ", qcowctl)
                            + " daemon) did not start: " + tail(log));
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(ErrorCode.IO, "Interrupted while the background owner started");
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "it said nothing (see " + log + ")"
                    : String.join(" ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "its log " + log + " cannot be read: " + e.getMessage();
        }
    }
}
