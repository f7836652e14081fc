package qcowdesk.cli.args;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import qcowdesk.cli.support.CommandModel;
import qcowdesk.cli.support.OptionField;

/**
 * {@code --json}, or qemu-img's spelling {@code --output=json|human}, for commands with both forms. Annotated
 * commands use it as a mixin (picocli sets the fields by reflection); {@link #addTo} binds the options of a model
 * built in code to the same fields.
 */
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

    /** The same two options added to a model built in code ({@link CommandModel}); read after parsing. */
    public static OutputFormat addTo(CommandSpec spec) {
        OutputFormat format = new OutputFormat();
        CommandModel.flag(spec, new OptionField<>(() -> format.json, given -> format.json = given), JSON_HELP, JSON);
        CommandModel.option(spec, new OptionField<>(() -> format.kind, kind -> format.kind = kind), Kind.class,
                OUTPUT_LABEL, OUTPUT_HELP, OUTPUT);
        return format;
    }

    public boolean json() {
        return json || kind == Kind.json;
    }
}
