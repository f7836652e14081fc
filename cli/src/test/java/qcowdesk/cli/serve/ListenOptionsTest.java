package qcowdesk.cli.serve;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.cli.CliRun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * serve's listen options are plain picocli options checked by {@link ListenOptions}: a Unix socket and TCP options
 * together are refused in one sentence whatever their order, before anything is bound, and an option given twice
 * is named (picocli's argument group answered these with "expected only one match but got ..." and its own
 * rendering of the group). {@code CommandModelTest} keeps the recorded messages and the help's synopsis.
 */
class ListenOptionsTest {

    private static final String EXCLUSIVE = "qcowctl: Error: --socket=PATH and [-p=N [-b=ADDR]] are mutually "
            + "exclusive (specify only one) (see 'qcowctl serve --help')\n";

    @TempDir
    Path dir;

    @Test
    void aSocketWithTcpOptionsIsRefusedInEitherOrderAndNothingIsBound() {
        Path socket = dir.resolve("s.sock");
        String image = dir.resolve("missing.qcow2").toString();
        String[][] lines = {
            {"serve", "--socket", socket.toString(), "--port", "0", image},
            {"serve", "--port", "0", "--socket", socket.toString(), image},
            {"serve", "-b", "127.0.0.1", "-p", "0", "--socket", socket.toString(), image},
            {"serve", "--socket", socket.toString(), "--bind", "127.0.0.1", image},
        };
        for (String[] line : lines) {
            CliRun run = CliRun.of(line);
            String what = String.join(" ", line);
            assertEquals(EXCLUSIVE, run.err(), what);
            assertEquals(2, run.exitCode(), what);
            assertFalse(Files.exists(socket), what + ": the socket was bound");
        }
    }

    @Test
    void anEmptySocketPathIsNamed() {
        CliRun run = CliRun.of("serve", "--socket=", dir.resolve("missing.qcow2").toString());
        assertEquals("qcowctl: --socket needs a path, got an empty one (see 'qcowctl serve --help')\n", run.err());
        assertEquals(2, run.exitCode());
    }

    @Test
    void aListenOptionGivenTwiceIsNamed() {
        String image = dir.resolve("missing.qcow2").toString();
        CliRun sockets = CliRun.of("serve", "--socket", dir.resolve("a").toString(), "--socket",
                dir.resolve("b").toString(), image);
        assertEquals("qcowctl: option '--socket' (PATH) should be specified only once (see 'qcowctl serve --help')\n",
                sockets.err());
        assertEquals(2, sockets.exitCode());
        CliRun ports = CliRun.of("serve", "-p", "0", "-p", "0", image);
        assertEquals("qcowctl: option '--port' (N) should be specified only once (see 'qcowctl serve --help')\n",
                ports.err());
        assertEquals(2, ports.exitCode());
    }
}
