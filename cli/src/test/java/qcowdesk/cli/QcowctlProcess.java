package qcowdesk.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * qcowctl in a JVM of its own, started as a user would start it (java -cp ... qcowdesk.cli.Qcowctl), so that
 * exit statuses and signals are real. The classpath is the test JVM's, which surefire fills with the module and
 * its dependencies.
 */
public final class QcowctlProcess implements AutoCloseable {

    /**
     * How long a starting qcowctl server (serve, daemon) may take to print its first line: a JVM's start on a
     * machine whose cores other tests keep busy.
     */
    public static final Duration READY = Duration.ofSeconds(30);

    private static final String EOF = "\u0000eof";

    private final Process process;
    private final BlockingQueue<String> stdoutLines = new LinkedBlockingQueue<>();
    private final StringBuffer stdout = new StringBuffer();
    private final CompletableFuture<String> stderr;

    private QcowctlProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readStdout, "qcowctl-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        this.stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    }

    /** Starts {@code qcowctl args...} with {@code QCOWDESK_RUNTIME_DIR=runtimeDir} in {@code workingDir}. */
    public static QcowctlProcess start(Path runtimeDir, Path workingDir, String... args) {
        return start(Map.of(), runtimeDir, workingDir, args);
    }

    /** As {@link #start(Path, Path, String...)}, with {@code environment} added to the process's environment. */
    public static QcowctlProcess start(Map<String, String> environment, Path runtimeDir, Path workingDir,
                                       String... args) {
        // SIGINT as the launchers leave it (qcowctl_signal_reset): a test run started in the background gets it
        // ignored, and a JVM keeps an ignored SIGINT ignored
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT",
                javaExecutable(), "-cp", System.getProperty("java.class.path"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                // as qcowctl.jar's manifest has it: a busy device names its clients' processes
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", Qcowctl.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("QCOWDESK_RUNTIME_DIR", runtimeDir.toString());
        env.remove("QCOWCTL_DEBUG");
        env.putAll(environment);
        try {
            return new QcowctlProcess(builder.start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start qcowctl: " + e.getMessage(), e);
        }
    }

    /** Runs qcowctl to completion (1 minute limit). */
    public static Result run(Path runtimeDir, Path workingDir, String... args) {
        try (QcowctlProcess p = start(runtimeDir, workingDir, args)) {
            return p.awaitExit(Duration.ofMinutes(1));
        }
    }

    /** What a finished qcowctl printed and returned. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /** The next line of standard output; fails the test if none comes in time or the process ends. */
    public String nextLine(Duration timeout) {
        try {
            String line = stdoutLines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                fail("qcowctl printed no line within " + timeout + "; stderr so far: " + stderrIfEnded());
            }
            if (line.equals(EOF)) {
                stdoutLines.add(EOF);
                fail("qcowctl ended without printing the expected line; exit " + awaitExit(Duration.ofSeconds(10)));
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends a signal (TERM, INT, KILL) as kill(1) does. */
    public void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Result awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail("qcowctl did not exit within " + timeout);
            }
            while (!stdoutLines.contains(EOF)) {
                Thread.sleep(10);
            }
            return new Result(process.exitValue(), stdout.toString(), stderr.join());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String stderrIfEnded() {
        return process.isAlive() ? "(still running)" : stderr.join();
    }

    private void readStdout() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                stdout.append(line).append('\n');
                stdoutLines.add(line);
            }
        } catch (IOException ignored) {
            // the process went away; EOF below says so
        } finally {
            stdoutLines.add(EOF);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
