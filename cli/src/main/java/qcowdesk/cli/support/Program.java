package qcowdesk.cli.support;

/** The program's name, which every message it prints starts with ("qcowctl: ..."). */
public final class Program {

    public static final String NAME = "qcowctl";

    private Program() {
    }
}
