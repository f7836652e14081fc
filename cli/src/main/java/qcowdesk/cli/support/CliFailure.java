package qcowdesk.cli.support;

/**
 * A failure the CLI itself detects (for example: no device owner is running). Its message is printed as
 * {@code qcowctl: <message>} and the process exits with {@link #exitCode()}.
 */
public final class CliFailure extends RuntimeException {

    private final int exitCode;

    public CliFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
