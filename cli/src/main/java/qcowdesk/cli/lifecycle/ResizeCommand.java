package qcowdesk.cli.lifecycle;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.args.ByteSize;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.ops.Exclusive;
import qcowdesk.engine.qcow2.tools.ImageInfo;

/** {@code qcowctl resize}: qemu-img resize, with a guard against shrinking over data. */
@Command(name = "resize", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Change the virtual size of a QCOW2 image to SIZE, or by +SIZE / -SIZE. Shrinking needs "
                + "--shrink and is refused while the image still allocates anything past the new end (discard it "
                + "inside the guest first). The partition and file system inside must be grown or shrunk too: this "
                + "changes only the disk."},
        footerHeading = "%nExamples:%n",
        footer = {"  qcowctl resize disk.qcow2 +10G", "  qcowctl resize --shrink disk.qcow2 -- -1G",
                "  qcowctl resize --shrink disk.qcow2 20G"})
public final class ResizeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--shrink", description = "Allow the size to go down.")
    private boolean shrink;

    @Option(names = "-f", paramLabel = "FMT", description = "Image format: qcow2 (the only one).")
    private String format = "qcow2";

    @Option(names = "-q", description = "Quiet: print nothing on success.")
    private boolean quiet;

    @Parameters(index = "0", paramLabel = "IMAGE")
    private Path image;

    @Parameters(index = "1", paramLabel = "[+|-]SIZE", description = "New size, or a change of size; K, M, G, T suffixes.")
    private String sizeText;

    @Override
    public Integer call() throws Exception {
        if (!"qcow2".equals(format)) {
            throw new ParameterException(spec.commandLine(), "cannot resize '" + format + "' images: only qcow2");
        }
        long current = ImageInfo.of(image).virtualSize();
        long target;
        try {
            target = newSize(current, sizeText);
        } catch (TypeConversionException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            Qcow2Image.resize(image, target, shrink);
        } catch (EngineException e) {
            throw Exclusive.explain(e, image);
        }
        if (!quiet) {
            spec.commandLine().getOut().println("Image resized.");
        }
        return ExitCodes.OK;
    }

    static long newSize(long current, String text) {
        if (text.startsWith("+")) {
            return Math.addExact(current, ByteSize.parse(text.substring(1)));
        }
        if (text.startsWith("-")) {
            long less = ByteSize.parse(text.substring(1));
            if (less >= current) {
                throw new TypeConversionException("cannot shrink by " + less + " bytes: the image has only " + current);
            }
            return current - less;
        }
        return ByteSize.parse(text);
    }
}
