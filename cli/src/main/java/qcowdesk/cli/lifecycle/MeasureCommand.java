package qcowdesk.cli.lifecycle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.args.ByteSize;
import qcowdesk.cli.args.OptionList;
import qcowdesk.cli.args.OutputFormat;
import qcowdesk.cli.image.CreateRequest;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.ops.DiskFormat;
import qcowdesk.engine.qcow2.ops.Measure;
import qcowdesk.engine.qcow2.ops.Measurement;
import qcowdesk.engine.qcow2.tools.CreateOptions;

/** {@code qcowctl measure}: qemu-img measure's numbers, lines and JSON. */
@Command(name = "measure", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"How large a new image of format -O (raw, the default, or qcow2) and options -o must be to "
                + "hold FILE's data (required size), and when fully allocated; or, with --size, an empty image of that "
                + "size. The same numbers and output as 'qemu-img measure'."},
        footerHeading = "%nExamples:%n",
        footer = {"  qcowctl measure -O qcow2 disk.qcow2",
                "  qcowctl measure -O qcow2 -o cluster_size=2M --output=json disk.img",
                "  qcowctl measure -O qcow2 --size 100G"})
public final class MeasureCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputFormat output;

    @Option(names = "-f", paramLabel = "FMT", description = "Format of FILE: qcow2 or raw (default: probed).")
    private String inputFormat;

    @Option(names = "-O", paramLabel = "OUTPUT_FMT", description = "Format of the new image: raw (default) or qcow2.")
    private String outputFormat = "raw";

    @Option(names = "-o", paramLabel = "OPTIONS", description = "Options of the new image, as for create -o.")
    private List<String> optionTexts = new ArrayList<>();

    @Option(names = "--size", paramLabel = "SIZE", converter = ByteSize.class,
            description = "Measure an empty image of SIZE bytes instead of FILE.")
    private Long size;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The image whose data the new image would hold.")
    private Path file;

    @Override
    public Integer call() throws Exception {
        if ((file == null) == (size == null)) {
            throw new ParameterException(spec.commandLine(), "give either FILE or --size SIZE");
        }
        DiskFormat format;
        CreateOptions target;
        try {
            format = DiskFormat.named(outputFormat);
            Map<String, String> options = new LinkedHashMap<>();
            for (String text : optionTexts) {
                OptionList.parseInto(text, options);
            }
            if (format == DiskFormat.RAW && !options.isEmpty()) {
                throw new TypeConversionException("Invalid options for file format 'raw'");
            }
            target = CreateRequest.from(options, size, null, null).toCreateOptions(size == null ? 512 : size);
        } catch (TypeConversionException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (format == DiskFormat.QCOW2) {
            target.validate();
        }
        Measurement m = file == null ? Measure.of((VirtualDisk) null, null, format, target)
                : Measure.of(file, inputFormat == null ? null : DiskFormat.named(inputFormat), format, target);
        spec.commandLine().getOut().print(output.json() ? json(m) : text(m));
        return ExitCodes.OK;
    }

    static String text(Measurement m) {
        String lines = "required size: " + m.required() + "\nfully allocated size: " + m.fullyAllocated() + "\n";
        return m.bitmaps() == null ? lines : lines + "bitmaps size: " + m.bitmaps() + "\n";
    }

    /** qemu-img's JSON: four-space indent, bitmaps first when present. */
    static String json(Measurement m) {
        StringBuilder out = new StringBuilder("{\n");
        if (m.bitmaps() != null) {
            out.append("    \"bitmaps\": ").append(m.bitmaps()).append(",\n");
        }
        return out.append("    \"required\": ").append(m.required()).append(",\n")
                .append("    \"fully-allocated\": ").append(m.fullyAllocated()).append("\n}\n").toString();
    }
}
