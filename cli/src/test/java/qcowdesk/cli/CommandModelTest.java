package qcowdesk.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The top level, {@code info} and {@code serve} have picocli models built in code (start-up) where they had
 * annotations: every help text, usage error and exit status of theirs must stay what the annotated commands
 * printed. usage.txt holds those outputs, recorded from the annotated commands: for each command line the exit
 * status, standard output and standard error.
 */
class CommandModelTest {

    /** One recorded command line and what it printed. */
    record Case(String[] args, int exitCode, String out, String err) {
    }

    @Test
    void helpErrorsAndExitStatusesAreWhatTheAnnotatedCommandsPrinted() throws IOException {
        List<Case> cases = recorded();
        assertTrue(cases.size() > 30, "cases read: " + cases.size());
        for (Case recorded : cases) {
            String line = "qcowctl " + String.join(" ", recorded.args());
            CliRun run = CliRun.of(recorded.args());
            assertEquals(recorded.out(), run.out(), line);
            assertEquals(recorded.err(), run.err(), line);
            assertEquals(recorded.exitCode(), run.exitCode(), line);
        }
    }

    private static List<Case> recorded() throws IOException {
        String text;
        try (InputStream in = CommandModelTest.class.getResourceAsStream("usage.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> cases = new ArrayList<>();
        for (String block : text.split("--- end\n")) {
            if (block.isBlank()) {
                continue;
            }
            // "$ qcowctl ARGS", "exit N", then the two outputs
            String[] head = block.split("\n", 3);
            String[] words = head[0].split(" ");
            String[] args = Arrays.copyOfRange(words, 2, words.length);
            int exit = Integer.parseInt(head[1].substring("exit ".length()));
            String out = block.substring(block.indexOf("--- out\n") + 8, block.indexOf("--- err\n"));
            String err = block.substring(block.indexOf("--- err\n") + 8);
            cases.add(new Case(args, exit, out, err));
        }
        return cases;
    }
}
