package qcowdesk.cli.device;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.args.ExternalFilesOption;
import qcowdesk.cli.args.SectorSizeOptions;

/** {@code qcowctl attach}: vnconfig's "configure a device", through the owner of the device table. */
@Command(name = "attach", sortOptions = false, mixinStandardHelpOptions = true,
        customSynopsis = {"qcowctl attach [-hV] [-r | -t | -l=NAME] [-s=N | --sector-size=BYTES]",
                "                      [--socket=PATH] [--allow-external-files] [UNIT] IMAGE"},
        description = {"Attach IMAGE as a block device of the running owner (the QcowDesk app or 'qcowctl daemon') "
                + "and print the unit and its NBD URI.",
                "Without a unit, the first free qcowN is taken. The file name is kept exactly as given "
                        + "(see 'qcowctl fname')."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  qcowctl attach disk.qcow2                # prints qcow0 nbd+unix:///qcow0?...",
                "  qcowctl attach -r -s 12 qcow3 disk.qcow2 # read-only, 4096-byte sectors",
                "  qcowctl attach -l before disk.qcow2      # internal snapshot 'before', read-only",
                "  qcowctl attach -t disk.qcow2             # temporary writes; at detach:",
                "  qcowctl detach --keep new.qcow2 qcow0    #   keep them, --commit, or discard",
                "",
                "Backing and data files outside the image's directory, of an unrecorded format or",
                "(data file) of the wrong size are refused unless --allow-external-files is given;",
                "'qcowctl info IMAGE' lists the files an image opens.",
                "",
                "Exit status: 0 attached; 1 refused (read-only file, image in use, unit taken,",
                "bad image, external file, no owner running); 2 usage error."})
public final class AttachCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-r", "--read-only"}, description = "Attach read-only: the file is opened read-only and the "
            + "device refuses writes. Without -r, a file that cannot be written is an error.")
    private boolean readOnly;

    @Option(names = {"-t", "--temporary"}, description = "Temporary writes (like qemu-nbd -s): clients write into an "
            + "overlay the owner keeps in its runtime directory, backed by IMAGE, which is only read. At detach the "
            + "writes are discarded (the default), kept as a new image (--keep FILE) or committed into IMAGE "
            + "(--commit).")
    private boolean temporary;

    @Option(names = {"-l", "--snapshot"}, paramLabel = "NAME", description = "Attach internal snapshot NAME (or id) "
            + "of IMAGE instead of its current state (like qemu-nbd -l); implies -r. 'qcowctl snapshot -l IMAGE' "
            + "lists them.")
    private String snapshot;

    @ArgGroup(exclusive = true)
    private SectorSizeOptions sectorSize = new SectorSizeOptions();

    @Mixin
    private OwnerOptions owner;

    @Mixin
    private ExternalFilesOption externalFiles;

    @Parameters(index = "0..1", arity = "1..2", paramLabel = "[UNIT] IMAGE", hideParamSyntax = true,
            description = "The unit to attach as (qcowN; optional), then the image file.")
    private List<String> arguments;

    @Override
    public Integer call() throws Exception {
        String unit = arguments.size() == 2 ? new UnitName().convert(arguments.get(0)) : null;
        String image = arguments.get(arguments.size() - 1);
        int secBits = sectorSize.secBits(spec.commandLine());
        if (image.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "the image file name is empty");
        }
        if (readOnly && temporary) {
            throw new ParameterException(spec.commandLine(), "-r and -t exclude each other: a temporary device is "
                    + "writable (its image is only read)");
        }
        if (snapshot != null && temporary) {
            throw new ParameterException(spec.commandLine(), "-l and -t exclude each other: a snapshot is attached "
                    + "read-only");
        }
        if (snapshot != null && snapshot.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "the snapshot name is empty");
        }
        try (ControlClient client = owner.connect()) {
            ControlClient.Attached attached = snapshot != null
                    ? client.attachSnapshot(image, snapshot, secBits, unit, externalFiles.allowed())
                    : temporary
                    ? client.attachTemporary(image, secBits, unit, externalFiles.allowed())
                    : client.attach(image, readOnly, secBits, unit, externalFiles.allowed());
            spec.commandLine().getOut().println(attached.unit() + " " + attached.uri());
        }
        return ExitCodes.OK;
    }
}
