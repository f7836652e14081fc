package qcowdesk.cli.contents;

import qcowdesk.cli.support.Program;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.Qcowctl;
import qcowdesk.cli.format.HumanSize;
import qcowdesk.engine.contents.DiskContents;
import qcowdesk.engine.contents.Volume;
import qcowdesk.engine.contents.space.ClusterIndex;
import qcowdesk.engine.contents.space.SpaceEntry;
import qcowdesk.engine.contents.space.SpaceReport;
import qcowdesk.engine.qcow2.tools.ProgressListener;

/** {@code qcowctl du}: which files and directories the image's allocated clusters hold, largest first. */
@Command(name = "du", mixinStandardHelpOptions = true,
        description = "Where did the space go: the data this image stores (allocated clusters, not those of a "
                + "backing file), attributed to the directories and files of the filesystem on a partition, largest "
                + "first, with the totals for filesystem metadata and for space that is free in the filesystem but "
                + "still stored in the image (a trim inside the guest, then compaction, gives it back).",
        footerHeading = "%nExamples:%n", footer = {"  qcowctl du vm.qcow2:2", "  qcowctl du -n 50 vm.qcow2:2 /var",
                "  qcowctl du -b vm.qcow2:1"})
public final class DuCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private VolumeTarget volume;

    @Option(names = "-n", paramLabel = "N", defaultValue = "20", description = "Show the N largest (default 20).")
    private int limit;

    @Option(names = "-b", description = "Sizes in bytes.")
    private boolean bytes;

    @Parameters(index = "1", paramLabel = "PATH", defaultValue = "/", description = "Only below this directory.")
    private String path;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (limit < 0) {
            throw new ParameterException(spec.commandLine(), "-n must be 0 or more, got " + limit);
        }
        try (ImageVolume opened = volume.open(err)) {
            Volume volume = opened.volume();
            opened.filesystem(err).lookup(path);
            DiskContents only = new DiskContents(opened.contents().table(), List.of(volume));
            ClusterIndex index = ClusterIndex.build(only, ProgressListener.NONE);
            for (String p : index.problems()) {
                err.println(Program.NAME + ": " + p);
            }
            String under = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            SpaceReport r = SpaceReport.build(opened.image(), index, under, limit);
            out.println("allocated in the image:      " + size(r.allocated()));
            out.println("  in files and directories:  " + size(r.inFiles()));
            out.println("  filesystem metadata:       " + size(r.inMetadata()));
            out.println("  free in the filesystem:    " + size(r.freeInFilesystem())
                    + "   (reclaimable: trim in the guest, then compact)");
            out.println("  elsewhere:                 " + size(r.other())
                    + "   (partition table, other partitions, block slack)");
            out.println();
            for (SpaceEntry e : r.entries()) {
                out.println(String.format("%10s  %s%s", size(e.allocatedBytes()), e.path(),
                        e.directory() && !e.path().equals("/") ? "/" : ""));
            }
        }
        return ExitCodes.OK;
    }

    private String size(long n) {
        return bytes ? Long.toString(n) : HumanSize.format(n);
    }
}
