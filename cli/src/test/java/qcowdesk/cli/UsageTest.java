package qcowdesk.cli;

import qcowdesk.cli.support.ExitCodes;
import org.junit.jupiter.api.Test;

import picocli.CommandLine;

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
    void everyCommandHasCompleteHelpThatFitsATerminal() {
        String[] commands = {"create", "info", "map", "check", "serve", "daemon", "attach", "detach", "list", "fname",
                "stat"};
        String overview = CliRun.of("--help").out();
        for (String command : commands) {
            assertTrue(overview.contains("\n  " + command + " "), command + " is listed");
            CliRun help = CliRun.of(command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.out().startsWith("Usage: qcowctl " + command), help.out());
            assertTrue(help.out().contains("Example"), command + " has examples");
            help.out().lines().forEach(line -> assertTrue(line.length() <= 80, command + ": " + line));
            assertEquals(help.out(), CliRun.of("help", command).out(), "'qcowctl help " + command + "'");
        }
    }

    @Test
    void helpListsExamplesAndExitStatuses() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("Examples:"), run.out());
        assertTrue(run.out().contains("Exit status: 0 success, 1 operation refused or failed, 2 usage error"), run.out());
    }

    @Test
    void theCommandTableNamesEachCommandAsItNamesItself() {
        // Qcowctl registers only the command named on the command line, found by this table: a wrong or
        // missing name would make that command unknown
        for (var entry : Qcowctl.COMMANDS.entrySet()) {
            assertEquals(entry.getKey(), new CommandLine(Qcowctl.model(entry.getValue())).getCommandName());
        }
        CommandLine all = new CommandLine(Qcowctl.model());
        Qcowctl.COMMANDS.values().forEach(command -> all.addSubcommand(Qcowctl.model(command)));
        String overview = CliRun.of("--help").out();
        for (String name : all.getSubcommands().keySet()) {
            assertTrue(overview.contains("\n  " + name + " "), name + " is listed in the help");
        }
        assertEquals(27, Qcowctl.COMMANDS.size());
    }

    @Test
    void aCommandRunsWithOnlyItsOwnModelBuilt() {
        CliRun version = CliRun.of("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("qcowctl "), version.out());
        CliRun list = CliRun.of("-l");
        assertTrue(list.exitCode() != ExitCodes.USAGE && !list.err().contains("not available"),
                "-l runs the list command: " + list.exitCode() + " " + list.err());
        CliRun typo = CliRun.of("inof");
        assertEquals(ExitCodes.USAGE, typo.exitCode());
        assertTrue(typo.err().contains("'inof'"), typo.err());
    }
}
