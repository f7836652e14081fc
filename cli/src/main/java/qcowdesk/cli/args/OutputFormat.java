package qcowdesk.cli.args;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import qcowdesk.cli.support.CommandModel;

/** {@code --json}, or qemu-img's spelling {@code --output=json|human}, for commands with both forms. */
public final class OutputFormat {

    /** The two forms qemu-img knows. */
    public enum Kind { human, json }

    private static final String JSON = "--json";
    private static final String JSON_HELP = "Print JSON, as qemu-img's --output=json does.";
    private static final String OUTPUT = "--output";
    private static final String OUTPUT_LABEL = "FMT";
    private static final String OUTPUT_HELP = "human (the default) or json; as in qemu-img.";

    @Option(names = JSON, description = JSON_HELP)
    private boolean json;

    @Option(names = OUTPUT, paramLabel = OUTPUT_LABEL, description = OUTPUT_HELP)
    private Kind kind = Kind.human;

    /** The options of a model built in code ({@link #addTo}); null for the annotated mixin. */
    private final OptionSpec jsonOption;
    private final OptionSpec outputOption;

    /** The mixin of an annotated command: picocli sets the fields. */
    public OutputFormat() {
        this(null, null);
    }

    private OutputFormat(OptionSpec jsonOption, OptionSpec outputOption) {
        this.jsonOption = jsonOption;
        this.outputOption = outputOption;
    }

    /** The same two options added to a model built in code ({@link CommandModel}); read after parsing. */
    public static OutputFormat addTo(CommandSpec spec) {
        return new OutputFormat(CommandModel.flag(spec, JSON_HELP, JSON),
                CommandModel.option(spec, Kind.class, OUTPUT_LABEL, OUTPUT_HELP, OUTPUT));
    }

    public boolean json() {
        if (jsonOption != null) {
            return CommandModel.isSet(jsonOption) || outputOption.getValue() == Kind.json;
        }
        return json || kind == Kind.json;
    }
}
