package qcowdesk.cli.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import qcowdesk.cli.args.ByteSize;
import qcowdesk.cli.args.OptionList;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.tools.CreateOptions;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.engine.qcow2.tools.Qcow2Creator;

/** {@code qcowctl create}: a new, empty QCOW2 image, with qemu-img's options. */
@Command(name = "create", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Create a new QCOW2 image of SIZE bytes (or, with -b and no SIZE, of the backing file's size).",
                "An existing file is never overwritten."},
        footerHeading = "%nImage options for -o (comma separated; '-o help' lists them):%n",
        footer = {
                "  cluster_size=SIZE      512 to 2M, a power of two (default 64K)",
                "  compat=1.1|0.10        QCOW2 version 3 (default) or 2 (also written v3, v2)",
                "  compression_type=zlib|zstd  how compressed clusters are compressed (zstd: compat=1.1)",
                "  refcount_bits=N        1, 2, 4, 8, 16 (default), 32 or 64",
                "  extended_l2=on|off     32 subclusters per cluster (v3, clusters of 16K+)",
                "  lazy_refcounts=on|off  postpone refcount updates (compat=1.1)",
                "  backing_file=FILE      the same as -b",
                "  backing_fmt=qcow2|raw  the same as -F",
                "  size=SIZE              the same as SIZE",
                "",
                "Examples:",
                "  qcowctl create disk.qcow2 20G",
                "  qcowctl create -o cluster_size=2M,lazy_refcounts=on big.qcow2 1T",
                "  qcowctl create -b base.qcow2 -F qcow2 overlay.qcow2     # as large as base",
                "  qcowctl create -f qcow2 -o compat=0.10 old.qcow2 512M"})
public final class CreateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "-f", paramLabel = "FMT", description = "Image format: qcow2 (the default and the only one).")
    private String format = "qcow2";

    @Option(names = "-o", paramLabel = "OPTIONS",
            description = "Image options: key=value[,key=value...]; may be repeated. '-o help' lists them.")
    private List<String> optionTexts = new ArrayList<>();

    @Option(names = "-b", paramLabel = "BACKING", description = "Backing file: the new image is a copy-on-write "
            + "overlay of it. A relative name is relative to the new image's directory.")
    private String backingFile;

    @Option(names = "-F", paramLabel = "FMT", description = "Format of the backing file: qcow2 or raw (required with -b).")
    private String backingFormat;

    @Option(names = "-q", description = "Quiet: print nothing on success.")
    private boolean quiet;

    // optional for picocli so that '-o help' needs no file, as with qemu-img; required below otherwise
    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE", description = "The image file to create.")
    private Path image;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SIZE", converter = ByteSize.class,
            description = "Virtual size in bytes, or with a K, M, G, T, P or E suffix (1024-based): 20G, 1.5T.")
    private Long size;

    @Override
    public Integer call() throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        try {
            for (String text : optionTexts) {
                OptionList.parseInto(text, options);
            }
            if (options.containsKey("help") || options.containsKey("?")) {
                spec.commandLine().getOut().print(ImageOption.helpText());
                return ExitCodes.OK;
            }
            if (image == null) {
                throw new ParameterException(spec.commandLine(), "Missing required parameter: 'IMAGE'");
            }
            if (!"qcow2".equals(format)) {
                throw new TypeConversionException("cannot create '" + format + "' images: only qcow2 is supported");
            }
            CreateRequest request = CreateRequest.from(options, size, backingFile, backingFormat);
            if (request.backingFile() != null && request.backingFormat() == null) {
                throw new TypeConversionException("backing file given without its format: add -F qcow2 or -F raw");
            }
            long virtualSize;
            if (request.size() != null) {
                virtualSize = request.size();
            } else if (request.backingFile() != null) {
                virtualSize = backingSize(request.backingFile(), request.backingFormat());
            } else {
                throw new TypeConversionException("missing SIZE");
            }
            CreateOptions create = request.toCreateOptions(virtualSize);
            Qcow2Creator.create(image, create);
            if (!quiet) {
                spec.commandLine().getOut().println(formattingLine(create, request.compatGiven()));
            }
            return ExitCodes.OK;
        } catch (TypeConversionException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** An overlay without SIZE is as large as its backing file (resolved against the new image's directory). */
    private long backingSize(String backingFile, String backingFormat) throws IOException {
        Path directory = image.toAbsolutePath().getParent();
        Path backing = directory == null ? Path.of(backingFile) : directory.resolve(backingFile);
        if ("raw".equals(backingFormat)) {
            try {
                return Files.size(backing);
            } catch (NoSuchFileException e) {
                throw new EngineException(ErrorCode.INVALID_ARGUMENT, "backing file '" + backingFile
                        + "' not found (looked at " + backing + ")");
            }
        }
        return ImageInfo.of(backing).virtualSize();
    }

    /** The line qemu-img prints when it creates an image, so logs of both tools read alike. */
    private String formattingLine(CreateOptions o, boolean compatGiven) {
        StringBuilder line = new StringBuilder("Formatting '").append(image).append("', fmt=qcow2")
                .append(" cluster_size=").append(o.clusterSize())
                .append(" extended_l2=").append(o.extendedL2() ? "on" : "off")
                .append(" compression_type=").append(o.compressionTypeName())
                .append(" size=").append(o.roundedVirtualSize());
        if (o.backingFile() != null) {
            line.append(" backing_file=").append(o.backingFile()).append(" backing_fmt=").append(o.backingFormat());
        }
        if (compatGiven) {
            line.append(" compat=").append(o.version() == 2 ? "0.10" : "1.1");
        }
        return line.append(" lazy_refcounts=").append(o.lazyRefcounts() ? "on" : "off")
                .append(" refcount_bits=").append(o.refcountBits()).toString();
    }
}
