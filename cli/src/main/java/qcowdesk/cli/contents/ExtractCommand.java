package qcowdesk.cli.contents;

import qcowdesk.cli.support.Program;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.Qcowctl;
import qcowdesk.engine.contents.extract.ExtractResult;
import qcowdesk.engine.contents.extract.Extractor;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.qcow2.tools.ProgressListener;

/** {@code qcowctl extract}: copies files out of a filesystem inside an image. */
@Command(name = "extract", mixinStandardHelpOptions = true,
        description = "Copy a file or directory out of the filesystem (ext2/3/4 or FAT) on a partition of the disk "
                + "inside an image. A directory's contents land in DEST (created if missing); a file lands at DEST, "
                + "or inside DEST when it is a directory. Symlinks stay symlinks, hard links stay hard links, sparse "
                + "files stay sparse; permissions and times are kept, owners too when run as root. Entries that "
                + "cannot be read are reported on stderr and the rest is extracted (exit 1).",
        footerHeading = "%nExamples:%n", footer = {"  qcowctl extract vm.qcow2:2 /etc ./etc-from-vm",
                "  qcowctl extract vm.qcow2:2 /var/log/syslog .", "  qcowctl extract usb.qcow2 / ./usb"})
public final class ExtractCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private VolumeTarget volume;

    @Parameters(index = "1", paramLabel = "PATH", description = "The file or directory inside the filesystem.")
    private String path;

    @Parameters(index = "2", paramLabel = "DEST", description = "Where it goes on this machine.")
    private Path dest;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        try (ImageVolume opened = volume.open(err)) {
            FileSystemReader fs = opened.filesystem(err);
            FileNode node = fs.lookup(path);
            ExtractResult r = new Extractor(fs, ProgressListener.NONE).extract(node, dest);
            for (String p : r.problems()) {
                err.println(Program.NAME + ": " + p);
            }
            return r.problems().isEmpty() ? ExitCodes.OK : ExitCodes.REFUSED;
        }
    }
}
