package qcowdesk.cli.args;

import picocli.CommandLine.Option;

/**
 * {@code --allow-external-files}: the user's consent to open the backing and data files an image names even where
 * the external files policy refuses them (outside the image's directory, format not recorded, data file of the
 * wrong size). Images are untrusted input, so the default is to refuse.
 */
public final class ExternalFilesOption {

    @Option(names = "--allow-external-files", description = "Open the backing and data files the image names even "
            + "when they lie outside its directory, have no recorded format or (data file) do not fit its size. "
            + "Only for images you trust: such an image can read or overwrite any file you can.")
    private boolean allowed;

    public boolean allowed() {
        return allowed;
    }
}
