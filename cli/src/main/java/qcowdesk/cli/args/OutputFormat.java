package qcowdesk.cli.args;

import picocli.CommandLine.Option;

/** {@code --json}, or qemu-img's spelling {@code --output=json|human}, for commands with both forms. */
public final class OutputFormat {

    /** The two forms qemu-img knows. */
    public enum Kind { human, json }

    @Option(names = "--json", description = "Print JSON, as qemu-img's --output=json does.")
    private boolean json;

    @Option(names = "--output", paramLabel = "FMT", description = "human (the default) or json; as in qemu-img.")
    private Kind kind = Kind.human;

    public boolean json() {
        return json || kind == Kind.json;
    }
}
