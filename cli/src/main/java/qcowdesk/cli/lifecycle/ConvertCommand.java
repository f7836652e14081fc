package qcowdesk.cli.lifecycle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.args.OptionList;
import qcowdesk.cli.image.CreateRequest;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.ops.Convert;
import qcowdesk.engine.qcow2.ops.ConvertRequest;
import qcowdesk.engine.qcow2.ops.DiskFormat;
import qcowdesk.engine.qcow2.ops.Inputs;
import qcowdesk.engine.qcow2.tools.CreateOptions;

/** {@code qcowctl convert}: qemu-img convert for qcow2 and raw, sparse, optionally compressed. */
@Command(name = "convert", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Copy SRC's guest contents into a new image DST of format -O (raw, the default, or qcow2), "
                + "as 'qemu-img convert' does: clusters that read as zeros are not written; -c stores compressed "
                + "clusters (zlib, or zstd with -o compression_type=zstd), compressed on several threads; -B makes "
                + "DST an overlay of BACKING holding only what differs from it.",
                "DST is written under a temporary name and renamed into place when complete: an interrupted "
                        + "convert leaves no half-written DST."},
        footerHeading = "%nExamples:%n",
        footer = {"  qcowctl convert -O qcow2 disk.img disk.qcow2",
                "  qcowctl convert -p -c -O qcow2 -o compression_type=zstd disk.qcow2 small.qcow2",
                "  qcowctl convert -O qcow2 -B base.qcow2 -F qcow2 vm.qcow2 delta.qcow2"})
public final class ConvertCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "-p", description = "Show progress.")
    private boolean progress;

    @Option(names = "-f", paramLabel = "FMT", description = "Format of SRC: qcow2 or raw (default: probed).")
    private String sourceFormat;

    @Option(names = "-O", paramLabel = "OUTPUT_FMT", description = "Format of DST: raw (default) or qcow2.")
    private String outputFormat = "raw";

    @Option(names = "-c", description = "Compress the clusters (qcow2 output).")
    private boolean compress;

    @Option(names = "-o", paramLabel = "OPTIONS", description = "Options of DST, as for create -o: cluster_size, "
            + "compat, compression_type=zlib|zstd, extended_l2, refcount_bits, lazy_refcounts.")
    private List<String> optionTexts = new ArrayList<>();

    @Option(names = "-B", paramLabel = "BACKING", description = "Backing file of DST (relative to DST's directory); "
            + "only clusters that differ from it are written.")
    private String backingFile;

    @Option(names = "-F", paramLabel = "BACKING_FMT", description = "Format of BACKING: qcow2 or raw (default: probed).")
    private String backingFormat;

    @Option(names = "-m", paramLabel = "THREADS", description = "Compression threads (default: one per processor).")
    private int threads = ConvertRequest.defaultThreads();

    @Option(names = "-q", description = "Quiet (the default; qemu-img's flag is accepted).")
    private boolean quiet;

    @Parameters(index = "0", paramLabel = "SRC")
    private Path source;

    @Parameters(index = "1", paramLabel = "DST")
    private Path destination;

    @Override
    public Integer call() throws Exception {
        DiskFormat format = DiskFormat.named(outputFormat);
        if (Files.exists(destination) && Files.isSameFile(source, destination)) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "SRC and DST are the same file");
        }
        if (threads < 1 || threads > 256) {
            throw new ParameterException(spec.commandLine(), "-m must be from 1 to 256, got " + threads);
        }
        try (VirtualDisk src = Inputs.open(source, sourceFormat == null ? null : DiskFormat.named(sourceFormat))) {
            CreateOptions target = targetOptions(format, src.size());
            Path backingPath = backingFile == null ? null : resolveBacking();
            try (VirtualDisk backing = backingPath == null ? null
                    : Inputs.open(backingPath, backingFormat == null ? null : DiskFormat.named(backingFormat))) {
                ProgressBar bar = ProgressBar.on(progress && !quiet, spec.commandLine().getOut());
                Convert.run(src, backing, destination, new ConvertRequest(format, target, compress, threads), bar,
                        () -> Thread.currentThread().isInterrupted());
                bar.done();
            }
        }
        return ExitCodes.OK;
    }

    private CreateOptions targetOptions(DiskFormat format, long size) {
        try {
            Map<String, String> options = new LinkedHashMap<>();
            for (String text : optionTexts) {
                OptionList.parseInto(text, options);
            }
            if (format == DiskFormat.RAW && !options.isEmpty()) {
                throw new TypeConversionException("raw output takes no -o options");
            }
            String fmt = backingFormat;
            if (backingFile != null && fmt == null) {
                fmt = DiskFormat.probe(resolveBacking()).formatName();
            }
            return CreateRequest.from(options, size, backingFile, fmt).toCreateOptions(size);
        } catch (TypeConversionException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (java.io.IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read backing file '" + backingFile + "': "
                    + e.getMessage());
        }
    }

    /** The backing file as QEMU finds it: relative names are relative to DST's directory. */
    private Path resolveBacking() {
        Path dir = destination.toAbsolutePath().getParent();
        return dir.resolve(backingFile);
    }
}
