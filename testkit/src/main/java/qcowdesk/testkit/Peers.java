package qcowdesk.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the real interop peers (qemu-img, qemu-io, nbdinfo, nbdcopy, fio, ...).
 * A missing peer fails the test: interop tests never skip silently (.ci/run installs the peers).
 */
public final class Peers {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private Peers() {
    }

    /** Output of a finished process. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** Fails the test unless the process exited 0; returns this for chaining. */
        public Result assertOk() {
            if (exitCode != 0) {
                fail(String.join(" ", command) + " exited " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    /** Fails the test when {@code tool} is not on the PATH. */
    public static void require(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        fail("interop peer '" + tool + "' is not installed (run .ci/run, or apt-get install qemu-utils libnbd-bin fio)");
    }

    /** Runs a command to completion (2 minute limit) and returns its output; does not check the exit code. */
    public static Result run(String... command) {
        return run(DEFAULT_TIMEOUT, List.of(command));
    }

    /** Runs a command and fails the test unless it exits 0. */
    public static Result ok(String... command) {
        return run(command).assertOk();
    }

    public static Result run(Duration timeout, List<String> command) {
        require(command.get(0));
        try {
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(List.copyOf(command), process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops a peer started by a test: SIGTERM, then SIGKILL if it is still running after 10 s (qemu-nbd can linger
     * on SIGTERM while it waits for a client), and waits until it is reaped, so that its image locks are gone.
     */
    public static void stop(Process process) {
        try {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    fail("process " + process.pid() + " survived SIGKILL for 30 s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
