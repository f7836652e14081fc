package qcowdesk.cli.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import qcowdesk.cli.format.InfoText;
import qcowdesk.cli.format.InfoTree;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.ops.DiskFormat;
import qcowdesk.engine.qcow2.tools.AllocatedSize;
import qcowdesk.engine.qcow2.tools.ImageInfo;

/** {@code info --backing-chain}: the image and its backing files, top first, each as qemu-img info shows it. */
final class BackingChain {

    /** Deeper than any sane chain; a longer one is refused rather than followed. */
    static final int MAX_DEPTH = 64;

    private BackingChain() {
    }

    static List<Map<String, Object>> describe(Path image) throws IOException {
        List<Map<String, Object>> chain = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        String name = image.toString();
        String format = "qcow2";
        while (name != null) {
            Path path = Path.of(name);
            if (!Files.exists(path)) {
                throw new EngineException(ErrorCode.INVALID_ARGUMENT, "Could not open '" + name
                        + "': No such file or directory");
            }
            if (!seen.add(path.toRealPath()) || chain.size() >= MAX_DEPTH) {
                throw new EngineException(ErrorCode.INVALID_IMAGE, "the backing chain of " + image
                        + " loops or is deeper than " + MAX_DEPTH + " at " + name);
            }
            String actual = format != null ? format : DiskFormat.probe(path).formatName();
            if (actual.equals("raw")) {
                chain.add(InfoTree.of(new ImageInfo(Files.size(path), name, "raw", AllocatedSize.of(path), null,
                        false, null, null, null, null, null)));
                break;
            }
            ImageInfo info = ImageInfo.of(path);
            chain.add(InfoTree.of(info));
            name = info.fullBackingFilename();
            format = info.backingFilenameFormat();
        }
        return chain;
    }

    static String text(List<Map<String, Object>> chain) {
        InfoText text = new InfoText();
        List<String> parts = new ArrayList<>();
        for (Map<String, Object> info : chain) {
            parts.add(text.render(info));
        }
        return String.join("\n", parts);
    }
}
