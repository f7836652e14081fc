package qcowdesk.cli.contents;

import java.io.IOException;
import java.io.PrintWriter;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import qcowdesk.cli.args.ExternalFilesOption;

/** The first argument of ls, cat, extract and du: {@code IMAGE[:PART]}, and the external files consent. */
public final class VolumeTarget {

    @Mixin
    private ExternalFilesOption externalFiles;

    @Parameters(index = "0", paramLabel = "IMAGE[:PART]", description = "The image, and the partition number "
            + "unless the disk is unpartitioned (or only one partition holds a filesystem).")
    private String target;

    ImageVolume open(PrintWriter err) throws IOException {
        return ImageVolume.open(target, externalFiles.allowed(), err);
    }
}
