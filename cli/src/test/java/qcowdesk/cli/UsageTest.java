package qcowdesk.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Command-line mistakes: one line on stderr naming the problem and the help to read, exit status 2. */
class UsageTest {

    @Test
    void noCommandIsAUsageError() {
        CliRun run = CliRun.of();
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("qcowctl: missing command (see 'qcowctl --help')\n", run.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun run = CliRun.of("--frobnicate");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("qcowctl: Unknown option: '--frobnicate' (see 'qcowctl --help')\n", run.err());
    }

    @Test
    void helpListsExamplesAndExitStatuses() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("Examples:"), run.out());
        assertTrue(run.out().contains("Exit status: 0 success, 1 operation refused or failed, 2 usage error"), run.out());
    }
}
