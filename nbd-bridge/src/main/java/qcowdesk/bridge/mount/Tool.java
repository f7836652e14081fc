package qcowdesk.bridge.mount;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.support.DaemonThreads;

/**
 * The system programs a mount route drives (losetup, mount, nbdfuse, udisksctl, ...): found on the PATH, run with
 * a bounded wait, their output captured so that a failure can quote what the program said.
 */
final class Tool {

    /** No step of a route should take longer; a program that does is killed and the step fails. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** Output of a finished program. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        boolean ok() {
            return exitCode == 0;
        }

        /** What the program said about its failure, on one line. */
        String complaint() {
            String text = (stderr.isBlank() ? stdout : stderr).strip().replace('\n', ' ');
            return text.isEmpty() ? "exit status " + exitCode : text;
        }
    }

    private Tool() {
    }

    /** The program's path on the PATH (and the sbin directories, which a desktop user's PATH may lack). */
    static Optional<Path> find(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Optional.of(Path.of(dir, program));
            }
        }
        return Optional.empty();
    }

    /** The program's path, or an UNSUPPORTED failure naming it, why it is needed and the package that has it. */
    static Path require(String program, String neededFor, String debianPackage) throws EngineException {
        return find(program).orElseThrow(() -> new EngineException(ErrorCode.UNSUPPORTED, program
                + " is not installed; it is needed " + neededFor + " (apt-get install " + debianPackage + ")"));
    }

    static Result run(String... command) throws EngineException {
        return run(DEFAULT_TIMEOUT, List.of(command));
    }

    /** Runs a program to completion; a program that cannot start or outlives {@code timeout} is an IO failure. */
    static Result run(Duration timeout, List<String> command) throws EngineException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(new File("/dev/null")).start();
        } catch (IOException e) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new EngineException(ErrorCode.IO, String.join(" ", command) + " did not finish within "
                        + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new EngineException(ErrorCode.IO, "interrupted while running " + command.get(0), e);
        }
        return new Result(List.copyOf(command), process.exitValue(), out.join(), err.join());
    }

    /** Runs a program and fails with {@code failure} and what the program said unless it exits 0. */
    static Result check(String failure, String... command) throws EngineException {
        Result result = run(command);
        if (!result.ok()) {
            throw new EngineException(ErrorCode.IO, failure + ": " + result.complaint());
        }
        return result;
    }

    /** Reads a program's output on a thread of its own (nbdfuse's stderr stays open for as long as it runs). */
    static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                // bounded: a chatty program cannot make the owner hold unbounded output
                byte[] bytes = stream.readNBytes(256 * 1024);
                stream.transferTo(OutputStreamSink.INSTANCE);
                return new String(bytes, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, task -> DaemonThreads.start("qcowdesk-tool-output", task));
    }

    /** Discards what is past the kept prefix of a program's output. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
