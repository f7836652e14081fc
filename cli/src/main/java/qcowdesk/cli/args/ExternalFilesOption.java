package qcowdesk.cli.args;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import qcowdesk.cli.support.CommandModel;

/**
 * {@code --allow-external-files}: the user's consent to open the backing and data files an image names even where
 * the external files policy refuses them (outside the image's directory, format not recorded, data file of the
 * wrong size). Images are untrusted input, so the default is to refuse.
 */
public final class ExternalFilesOption {

    private static final String NAME = "--allow-external-files";
    private static final String HELP = "Open the backing and data files the image names even "
            + "when they lie outside its directory, have no recorded format or (data file) do not fit its size. "
            + "Only for images you trust: such an image can read or overwrite any file you can.";

    @Option(names = NAME, description = HELP)
    private boolean allowed;

    /** The option of a model built in code ({@link #addTo}); null in the annotated mixin, whose field picocli sets. */
    private final OptionSpec option;

    public ExternalFilesOption() {
        this(null);
    }

    private ExternalFilesOption(OptionSpec option) {
        this.option = option;
    }

    /** The same option added to a model built in code ({@link CommandModel}); read after parsing. */
    public static ExternalFilesOption addTo(CommandSpec spec) {
        return new ExternalFilesOption(CommandModel.flag(spec, HELP, NAME));
    }

    public boolean allowed() {
        return option != null ? CommandModel.isSet(option) : allowed;
    }
}
