package qcowdesk.cli.lifecycle;

import qcowdesk.cli.support.Program;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.cli.support.ErrorMessages;
import qcowdesk.cli.Qcowctl;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.ops.Compare;
import qcowdesk.engine.qcow2.ops.CompareResult;
import qcowdesk.engine.qcow2.ops.DiskFormat;
import qcowdesk.engine.qcow2.ops.Inputs;

/** {@code qcowctl compare}: qemu-img compare's messages and exit codes (0 identical, 1 different, 2 error). */
@Command(name = "compare", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Compare the guest contents of two images (qcow2 or raw; a smaller image reads as zeros past "
                + "its end). Prints 'Images are identical.' or the offset of the first 512-byte sector that differs, "
                + "as 'qemu-img compare' does.",
                "Exit status: 0 identical, 1 different, 2 error."},
        footerHeading = "%nExamples:%n",
        footer = {"  qcowctl compare disk.qcow2 copy.qcow2", "  qcowctl compare -s -p disk.qcow2 disk.img"})
public final class CompareCommand implements Callable<Integer> {

    static final int DIFFERENT = 1;
    static final int ERROR = 2;

    @Spec
    private CommandSpec spec;

    @Option(names = "-f", paramLabel = "FMT", description = "Format of the first image (default: probed).")
    private String formatA;

    @Option(names = "-F", paramLabel = "FMT", description = "Format of the second image (default: probed).")
    private String formatB;

    @Option(names = "-s", description = "Strict: the allocation must match too, and so must the sizes.")
    private boolean strict;

    @Option(names = "-q", description = "Quiet: print nothing, answer by the exit status only.")
    private boolean quiet;

    @Option(names = "-p", description = "Show progress on the terminal.")
    private boolean progress;

    @Parameters(index = "0", paramLabel = "IMAGE1")
    private Path first;

    @Parameters(index = "1", paramLabel = "IMAGE2")
    private Path second;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        CompareResult result;
        try (VirtualDisk a = Inputs.open(first, format(formatA)); VirtualDisk b = Inputs.open(second, format(formatB))) {
            ProgressBar bar = ProgressBar.on(progress && !quiet, spec.commandLine().getErr());
            result = Compare.of(a, b, strict, bar, () -> false);
            bar.done();
        } catch (IOException | RuntimeException e) {
            if (System.getenv("QCOWCTL_DEBUG") != null) {
                e.printStackTrace(spec.commandLine().getErr());
            }
            spec.commandLine().getErr().println(Program.NAME + ": " + ErrorMessages.describe(e));
            return ERROR;
        }
        if (!quiet) {
            print(out, result);
        }
        return result.identical() ? 0 : DIFFERENT;
    }

    private static DiskFormat format(String name) throws IOException {
        return name == null ? null : DiskFormat.named(name);
    }

    static void print(PrintWriter out, CompareResult result) {
        if (result.statusMismatch()) {
            out.println(result.sizeMismatch() ? "Strict mode: Image size mismatch!"
                    : "Strict mode: Offset " + result.mismatchOffset() + " block status mismatch!");
            return;
        }
        if (result.sizeMismatch()) {
            out.println("Warning: Image size mismatch!");
        }
        out.println(result.identical() ? "Images are identical."
                : "Content mismatch at offset " + result.mismatchOffset() + "!");
    }
}
