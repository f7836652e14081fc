package qcowdesk.cli.support;

/** The exit statuses of qcowctl, one meaning each (scripts test them). */
public final class ExitCodes {

    /** The command did what was asked. */
    public static final int OK = 0;
    /** The operation was refused or failed: busy, read-only, in use, not attached, bad image, I/O error. */
    public static final int REFUSED = 1;
    /** The command line itself was wrong (picocli's usage exit code is also 2). */
    public static final int USAGE = 2;
    /** {@code check}: corruptions were found (as {@code qemu-img check}). */
    public static final int CHECK_CORRUPT = 2;
    /** {@code check}: only leaked clusters were found (as {@code qemu-img check}). */
    public static final int CHECK_LEAKS = 3;

    private ExitCodes() {
    }
}
