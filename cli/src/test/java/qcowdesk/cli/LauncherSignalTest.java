package qcowdesk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A script that starts {@code qcowctl serve ... &} hands it SIGINT ignored (a non-interactive shell starts its
 * background jobs so), and a JVM keeps an ignored SIGINT ignored. Both launchers reset it through
 * {@code qcowctl_signal_reset} in bin/qcowctl-jvm-options.sh; these tests run that function exactly as the
 * launchers do, in a shell that ignores SIGINT, and send the program it starts a SIGINT. The installer check
 * (installers/check.sh) does the same to the installed {@code qcowctl serve}.
 */
class LauncherSignalTest {

    private static final Path OPTIONS = Path.of("..", "bin", "qcowctl-jvm-options.sh");

    @Test
    void theResetIsOnlyThereWhenSigintIsIgnored() throws Exception {
        assertEquals("[]", prefix(""));
        assertEquals("[env --default-signal=INT]", prefix("trap '' INT; "));
    }

    @Test
    void aProgramStartedWithSigintIgnoredStopsOnSigintThroughTheReset() throws Exception {
        assertEquals(128 + 2, statusAfterSigint(true, 10), "not ended by SIGINT");
    }

    /** What the reset is for: without it the program inherits the ignored SIGINT and goes on. */
    @Test
    void withoutTheResetTheProgramIgnoresSigint() throws Exception {
        assertEquals(STILL_RUNNING, statusAfterSigint(false, 1), "SIGINT was not ignored: the test above proves nothing");
    }

    private static final int STILL_RUNNING = -1;

    /**
     * Starts a program as a launcher in a shell ignoring SIGINT starts java, with or without the reset, sends it
     * SIGINT, and returns its exit status, or {@link #STILL_RUNNING} when it has not ended within the wait.
     */
    private static int statusAfterSigint(boolean reset, long waitSeconds) throws Exception {
        Process program = startIgnoringSigint(reset);
        try {
            interrupt(program);
            return program.waitFor(waitSeconds, TimeUnit.SECONDS) ? program.exitValue() : STILL_RUNNING;
        } finally {
            program.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String prefix(String before) throws Exception {
        // SIGINT at its default first: the test itself may run in a background job, which has it ignored
        Process shell = new ProcessBuilder("env", "--default-signal=INT", "sh", "-c",
                before + ". \"$0\" && qcowctl_signal_reset && echo \"[$qcowctl_exec_prefix]\"", OPTIONS.toString())
                .redirectErrorStream(true).start();
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(shell.waitFor(10, TimeUnit.SECONDS), "sh did not finish");
        assertEquals(0, shell.exitValue(), out);
        return out;
    }

    /** sh ignoring SIGINT, then exec'ing sleep as a launcher execs java: with or without the reset's prefix. */
    private static Process startIgnoringSigint(boolean reset) throws Exception {
        assertTrue(Files.isRegularFile(OPTIONS), OPTIONS.toAbsolutePath().toString());
        String exec = reset ? "qcowctl_signal_reset; exec $qcowctl_exec_prefix sleep 60" : "exec sleep 60";
        Process program = new ProcessBuilder("sh", "-c", "trap '' INT; . \"$0\"; " + exec, OPTIONS.toString())
                .redirectErrorStream(true).start();
        Path cmdline = Path.of("/proc", Long.toString(program.pid()), "cmdline");
        for (int i = 0; i < 200 && program.isAlive(); i++) {
            if (Files.readString(cmdline, StandardCharsets.ISO_8859_1).startsWith("sleep\0")) {
                return program;
            }
            Thread.sleep(25);
        }
        program.destroyForcibly();
        throw new AssertionError("the shell never exec'd sleep: " + new String(program.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8));
    }

    private static void interrupt(Process program) throws Exception {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(program.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue());
    }
}
