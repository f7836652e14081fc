package qcowdesk.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@link Qcowctl} in this JVM and captures what it prints: for argument and output tests. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Qcowctl.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
