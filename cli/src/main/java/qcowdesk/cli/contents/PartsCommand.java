package qcowdesk.cli.contents;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.args.ExternalFilesOption;
import qcowdesk.cli.format.HumanSize;
import qcowdesk.engine.contents.DiskContents;
import qcowdesk.engine.contents.Volume;
import qcowdesk.engine.contents.partition.Partition;
import qcowdesk.engine.contents.partition.PartitionTable;
import qcowdesk.engine.contents.probe.FsInfo;

/** {@code qcowctl parts}: the partition table of the disk in an image, like {@code sfdisk -l}, with filesystems. */
@Command(name = "parts", mixinStandardHelpOptions = true,
        description = "List the partitions of the disk inside an image, as 'sfdisk -l' does (start, end and size in "
                + "sectors of the table's own sector size), with the filesystem each holds (type, label, UUID). "
                + "The image is opened read-only and may be attached meanwhile.",
        footerHeading = "%nExamples:%n", footer = {"  qcowctl parts vm.qcow2", "  qcowctl parts --json vm.qcow2"})
public final class PartsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ExternalFilesOption externalFiles;

    @Option(names = "--json", description = "Print JSON.")
    private boolean json;

    @Parameters(paramLabel = "IMAGE", description = "The image file.")
    private String image;

    @Override
    public Integer call() throws Exception {
        try (ImageVolume opened = ImageVolume.open(image, externalFiles.allowed(), spec.commandLine().getErr())) {
            DiskContents contents = opened.contents();
            if (json) {
                spec.commandLine().getOut().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(Map.of("partitiontable", tree(contents))));
            } else {
                spec.commandLine().getOut().print(text(contents, opened.image().size()));
            }
        }
        return ExitCodes.OK;
    }

    private String text(DiskContents contents, long size) {
        PartitionTable t = contents.table();
        StringBuilder out = new StringBuilder();
        out.append("Disk ").append(image).append(": ").append(HumanSize.format(size)).append(", ").append(size)
                .append(" bytes, ").append(size / t.sectorSize()).append(" sectors\n");
        out.append("Units: sectors of 1 * ").append(t.sectorSize()).append(" = ").append(t.sectorSize())
                .append(" bytes");
        if (t.sectorSizeMismatch()) {
            out.append(" (the table's own sector size; the image is seen with ").append(t.attachSectorSize())
                    .append("-byte sectors)");
        }
        out.append('\n').append("Disklabel type: ").append(t.scheme().label()).append('\n');
        if (!t.diskId().isEmpty()) {
            out.append("Disk identifier: ").append(t.diskId()).append('\n');
        }
        if (t.hybridMbr()) {
            out.append("Hybrid MBR: the MBR also lists partitions\n");
        }
        Columns c = new Columns(false, true, true, true, true, false, false, false, false);
        c.row("Device", "Start", "End", "Sectors", "Size", "Type", "Filesystem", "Label", "UUID");
        for (Volume v : contents.volumes()) {
            if (v.partition().isEmpty()) {
                row(c, image, 0, size / t.sectorSize(), HumanSize.format(size), "(whole disk)", v.fs());
            }
        }
        // in the table's order, as sfdisk -l: an extended partition before its logical ones
        for (Partition p : t.partitions()) {
            Optional<FsInfo> fs = contents.volumes().stream().filter(v -> v.partition().equals(Optional.of(p)))
                    .findFirst().flatMap(Volume::fs);
            row(c, image + ":" + p.number(), p.startLba(), p.sectors(), HumanSize.format(p.size()), p.typeName(), fs);
        }
        out.append('\n').append(c.render());
        return out.toString();
    }

    private static void row(Columns c, String device, long start, long sectors, String size, String type,
                            Optional<FsInfo> fs) {
        c.row(device, Long.toString(start), Long.toString(start + sectors - 1), Long.toString(sectors), size, type,
                fs.map(FsInfo::type).orElse(""), fs.map(FsInfo::label).orElse(""), fs.map(FsInfo::uuid).orElse(""));
    }

    private static Map<String, Object> tree(DiskContents contents) {
        PartitionTable t = contents.table();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("label", t.scheme().label());
        out.put("id", t.diskId());
        out.put("sectorsize", t.sectorSize());
        out.put("attachsectorsize", t.attachSectorSize());
        if (t.firstUsableLba() > 0) {
            out.put("firstlba", t.firstUsableLba());
            out.put("lastlba", t.lastUsableLba());
        }
        out.put("hybridmbr", t.hybridMbr());
        out.put("warnings", t.warnings());
        List<Map<String, Object>> parts = new ArrayList<>();
        for (Partition p : t.partitions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("number", p.number());
            m.put("start", p.startLba());
            m.put("size", p.sectors());
            m.put("bytes", p.size());
            m.put("type", p.type());
            m.put("typename", p.typeName());
            if (!p.uuid().isEmpty()) {
                m.put("uuid", p.uuid());
                m.put("name", p.name());
            }
            m.put("bootable", p.bootable());
            contents.volumes().stream().filter(v -> v.partition().map(x -> x.number() == p.number()).orElse(false))
                    .findFirst().flatMap(Volume::fs).ifPresent(fs -> m.put("filesystem", fs(fs)));
            parts.add(m);
        }
        out.put("partitions", parts);
        if (contents.volumes().size() == 1 && contents.volumes().get(0).partition().isEmpty()) {
            contents.volumes().get(0).fs().ifPresent(fs -> out.put("filesystem", fs(fs)));
        }
        return out;
    }

    private static Map<String, Object> fs(FsInfo fs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", fs.type());
        m.put("label", fs.label());
        m.put("uuid", fs.uuid());
        m.put("version", fs.version());
        m.put("size", fs.size());
        if (fs.free() >= 0) {
            m.put("free", fs.free());
        }
        return m;
    }
}
