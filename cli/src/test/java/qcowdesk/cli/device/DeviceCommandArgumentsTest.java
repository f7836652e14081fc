package qcowdesk.cli.device;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine.TypeConversionException;

import qcowdesk.cli.CliRun;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.QcowctlProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Device commands before any owner is involved: usage errors (2) and the "no owner" refusal (1). */
class DeviceCommandArgumentsTest {

    @TempDir
    Path dir;

    @Test
    void usageErrorsExit2WithOneLine() {
        String socket = dir.resolve("control.sock").toString();
        assertUsage("Missing required parameter", "attach", "--socket", socket);
        assertUsage("Unmatched argument", "attach", "--socket", socket, "qcow0", "a.qcow2", "extra");
        assertUsage("--secbits must be 0 or 9 to 16, got 20", "attach", "--socket", socket, "-s", "20", "a.qcow2");
        assertUsage("mutually exclusive", "attach", "--socket", socket, "-s", "12", "--sector-size", "4096", "a.qcow2");
        assertUsage("--sector-size must be a power of two", "attach", "--socket", socket, "--sector-size", "1000", "a");
        assertUsage("is not a unit name", "detach", "--socket", socket, "../qcow0");
        assertUsage("Missing required parameter", "fname", "--socket", socket);
        assertUsage("Unknown option: '-x'", "stat", "--socket", socket, "-x", "qcow0");
        assertUsage("Unknown option: '--frobnicate'", "list", "--frobnicate");
    }

    @Test
    void withoutAnOwnerEveryDeviceCommandSaysHowToStartOne() {
        String socket = dir.resolve("control.sock").toString();
        String[][] commands = {{"attach", "a.qcow2"}, {"detach", "qcow0"}, {"list"}, {"fname", "qcow0"},
                {"stat", "qcow0"}};
        for (String[] command : commands) {
            String[] args = new String[command.length + 2];
            args[0] = command[0];
            args[1] = "--socket";
            args[2] = socket;
            System.arraycopy(command, 1, args, 3, command.length - 1);
            CliRun run = CliRun.of(args);
            assertEquals(ExitCodes.REFUSED, run.exitCode(), command[0]);
            assertEquals("qcowctl: no QcowDesk device owner is running (nothing listens on " + socket
                    + "); start one with 'qcowctl daemon &' or the QcowDesk app\n", run.err(), command[0]);
        }
    }

    @Test
    void dashLListsThroughTheRuntimeDirectory() {
        QcowctlProcess.Result run = QcowctlProcess.run(dir, dir, "-l");
        assertEquals(ExitCodes.REFUSED, run.exitCode());
        assertTrue(run.stderr().contains("nothing listens on " + dir.resolve("control.sock")), run.stderr());
        assertTrue(run.stderr().contains("'qcowctl daemon &'"), run.stderr());
    }

    @Test
    void bareNumbersNameUnits() {
        assertEquals("qcow3", new UnitName().convert("3"));
        assertEquals("qcow12", new UnitName().convert("qcow12"));
    }

    @Test
    void unitArgumentsFollowTheDeviceTablesRule() {
        // the table accepts a leading '_': so must the CLI, or such a device could not be named to detach it
        assertEquals("_vm", new UnitName().convert("_vm"));
        assertEquals("qcow7", new UnitName().convert("007"));
        for (String bad : new String[] {"qcow01", ".x", "-x", "a b"}) {
            assertThrows(TypeConversionException.class, () -> new UnitName().convert(bad), bad);
        }
    }

    private static void assertUsage(String messagePart, String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(ExitCodes.USAGE, run.exitCode(), String.join(" ", args) + ": " + run.err());
        assertTrue(run.err().startsWith("qcowctl: ") && run.err().contains(messagePart), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

}
