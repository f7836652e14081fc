package qcowdesk.cli.contents;

import qcowdesk.cli.support.Program;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.Qcowctl;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.contents.fs.Listing;
import qcowdesk.engine.contents.fs.ModeText;

/** {@code qcowctl ls}: a directory of a filesystem inside an image, like ls(1). */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = "List a directory of the filesystem (ext2/3/4 or FAT) on a partition of the disk inside an "
                + "image, one name per line; -l as 'ls -l' (mode, links, owner, size, time, name, and 'name -> "
                + "target' for symlinks). Entries that cannot be read are reported on stderr and the listing goes "
                + "on (exit 1).",
        footerHeading = "%nExamples:%n", footer = {"  qcowctl ls vm.qcow2:1", "  qcowctl ls -l vm.qcow2:2 /etc",
                "  qcowctl ls -R usb.qcow2 /   # an unpartitioned disk"})
public final class LsCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    @Spec
    private CommandSpec spec;

    @Mixin
    private VolumeTarget volume;

    @Option(names = "-l", description = "Long listing: mode, links, owner, group, size, time, name.")
    private boolean longFormat;

    @Option(names = "-R", description = "List subdirectories recursively.")
    private boolean recursive;

    @Parameters(index = "1", paramLabel = "PATH", defaultValue = "/", description = "Path inside the filesystem "
            + "(default /).")
    private String path;

    private boolean problems;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ImageVolume opened = volume.open(err)) {
            FileSystemReader fs = opened.filesystem(err);
            FileNode node = fs.lookup(path);
            if (!node.isDirectory()) {
                out.println(line(fs, node));
            } else {
                listDirectory(fs, node, out, err, new HashSet<>(), false);
            }
        }
        return problems ? ExitCodes.REFUSED : ExitCodes.OK;
    }

    private void listDirectory(FileSystemReader fs, FileNode dir, PrintWriter out, PrintWriter err, Set<Long> seen,
                               boolean header) throws IOException {
        if (!seen.add(dir.id())) {
            report(err, dir.path() + ": directory already listed (a loop in the directory tree)");
            return;
        }
        if (header) {
            out.println();
            out.println(dir.path() + ":");
        } else if (recursive) {
            out.println(dir.path() + ":");
        }
        Listing listing;
        try {
            listing = fs.list(dir);
        } catch (ContentsException broken) {
            report(err, dir.path() + ": " + broken.getMessage());
            return;
        }
        for (Listing.EntryError e : listing.errors()) {
            report(err, dir.childPath(e.name()) + ": " + e.message());
        }
        List<FileNode> entries = new ArrayList<>(listing.entries());
        entries.sort(Comparator.comparing(FileNode::name));
        for (FileNode n : entries) {
            out.println(line(fs, n));
        }
        if (recursive) {
            for (FileNode n : entries) {
                if (n.isDirectory()) {
                    listDirectory(fs, n, out, err, seen, true);
                }
            }
        }
    }

    private String line(FileSystemReader fs, FileNode n) {
        if (!longFormat) {
            return n.name().isEmpty() ? n.path() : n.name();
        }
        String name = n.name();
        if (n.type() == qcowdesk.engine.contents.fs.FileType.SYMLINK) {
            try {
                name += " -> " + fs.readLink(n);
            } catch (IOException broken) {
                name += " -> ?";
            }
        }
        return String.format("%s %3d %5d %5d %10d %s %s", ModeText.of(n.type(), n.mode()), n.links(), n.uid(),
                n.gid(), n.size(), TIME.format(n.modified()), name);
    }

    private void report(PrintWriter err, String problem) {
        problems = true;
        err.println(Program.NAME + ": " + problem);
    }
}
