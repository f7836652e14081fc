package qcowdesk.cli.contents;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.cli.support.CliFailure;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.FileSystemReader;

/** {@code qcowctl cat}: a file's bytes from a filesystem inside an image, on stdout. */
@Command(name = "cat", mixinStandardHelpOptions = true,
        description = "Write a file from the filesystem (ext2/3/4 or FAT) on a partition of the disk inside an "
                + "image to standard output, byte for byte.",
        footerHeading = "%nExamples:%n", footer = {"  qcowctl cat vm.qcow2:2 /etc/fstab",
                "  qcowctl cat vm.qcow2:1 /EFI/BOOT/grub.cfg | less"})
public final class CatCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private VolumeTarget volume;

    @Parameters(index = "1", paramLabel = "PATH", description = "The file inside the filesystem.")
    private String path;

    /** Where the bytes go; stdout unless a test swaps it. */
    static OutputStream stdout = new FileOutputStream(FileDescriptor.out);

    @Override
    public Integer call() throws Exception {
        try (ImageVolume opened = volume.open(spec.commandLine().getErr())) {
            FileSystemReader fs = opened.filesystem(spec.commandLine().getErr());
            FileNode node = fs.lookup(path);
            if (node.isDirectory()) {
                throw new CliFailure(ExitCodes.REFUSED, path + ": is a directory");
            }
            if (node.type() != qcowdesk.engine.contents.fs.FileType.FILE) {
                throw new CliFailure(ExitCodes.REFUSED, path + ": not a regular file (" + node.type()
                        .name().toLowerCase() + ")");
            }
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long at = 0;
            while (true) {
                buf.clear();
                int n = fs.read(node, at, buf);
                if (n < 0) {
                    break;
                }
                stdout.write(buf.array(), 0, n);
                at += n;
            }
            stdout.flush();
        }
        return ExitCodes.OK;
    }
}
