package qcowdesk.cli.args;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import qcowdesk.cli.support.CommandModel;
import qcowdesk.cli.support.OptionField;

/**
 * {@code --allow-external-files}: the user's consent to open the backing and data files an image names even where
 * the external files policy refuses them (outside the image's directory, format not recorded, data file of the
 * wrong size). Images are untrusted input, so the default is to refuse. Annotated commands use it as a mixin
 * (picocli sets the field by reflection); {@link #addTo} binds the option of a model built in code to the same field.
 */
public final class ExternalFilesOption {

    private static final String NAME = "--allow-external-files";
    private static final String HELP = "Open the backing and data files the image names even "
            + "when they lie outside its directory, have no recorded format or (data file) do not fit its size. "
            + "Only for images you trust: such an image can read or overwrite any file you can.";

    @Option(names = NAME, description = HELP)
    private boolean allowed;

    /** The same option added to a model built in code ({@link CommandModel}); read after parsing. */
    public static ExternalFilesOption addTo(CommandSpec spec) {
        ExternalFilesOption option = new ExternalFilesOption();
        CommandModel.flag(spec, new OptionField<>(() -> option.allowed, given -> option.allowed = given), HELP, NAME);
        return option;
    }

    public boolean allowed() {
        return allowed;
    }
}
