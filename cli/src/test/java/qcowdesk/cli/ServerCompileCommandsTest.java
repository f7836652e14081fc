package qcowdesk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The server's JVM options (bin/qcowctl-jvm-options.sh, which both launchers source) name methods of ours in
 * {@code -XX:CompileCommand=dontinline,...}: they keep the C2 compiler's arenas small by compiling the request
 * path in pieces. The JVM ignores a command whose method does not exist, so a renamed method would silently
 * bring back the large compilations; this test fails instead.
 */
class ServerCompileCommandsTest {

    private static final Path OPTIONS = Path.of("..", "bin", "qcowctl-jvm-options.sh");

    @Test
    void everyMethodTheServerKeepsFromInliningExists() throws Exception {
        for (String command : List.of("serve", "daemon")) {
            List<String> dontInline = Arrays.stream(optionsOf(command))
                    .filter(o -> o.startsWith("-XX:CompileCommand=dontinline,"))
                    .map(o -> o.substring("-XX:CompileCommand=dontinline,".length()))
                    .toList();
            assertFalse(dontInline.isEmpty(), command + " keeps no method from inlining");
            for (String target : dontInline) {
                String[] parts = target.split("::");
                assertEquals(2, parts.length, "not CLASS::METHOD: " + target);
                Class<?> type = Class.forName(parts[0]);
                assertTrue(Arrays.stream(type.getDeclaredMethods()).anyMatch(m -> m.getName().equals(parts[1])),
                        target + " names no method of " + type.getName());
            }
        }
    }

    @Test
    void theCompileCommandsAreQuietSoTheUriStaysTheFirstLine() throws Exception {
        List<String> options = List.of(optionsOf("serve"));
        int quiet = options.indexOf("-XX:CompileCommand=quiet");
        assertTrue(quiet >= 0, "no -XX:CompileCommand=quiet: the JVM prints every command on standard output");
        for (int i = 0; i < quiet; i++) {
            assertFalse(options.get(i).startsWith("-XX:CompileCommand="), "printed before quiet: " + options.get(i));
        }
    }

    /** The options the fragment gives COMMAND, as the launchers get them: sourced by a POSIX shell. */
    private static String[] optionsOf(String command) throws IOException, InterruptedException {
        Process shell = new ProcessBuilder("sh", "-c", ". \"$0\" && qcowctl_jvm_options \"$1\" && echo \"$qcowctl_jvm\"",
                OPTIONS.toString(), command).redirectErrorStream(true).start();
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(shell.waitFor(10, TimeUnit.SECONDS), "sh did not finish");
        assertEquals(0, shell.exitValue(), out);
        assertTrue(Files.isRegularFile(OPTIONS), OPTIONS.toAbsolutePath().toString());
        return out.split(" ");
    }
}
