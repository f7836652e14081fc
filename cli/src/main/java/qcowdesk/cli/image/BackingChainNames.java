package qcowdesk.cli.image;

import java.util.ArrayList;
import java.util.List;

import java.nio.file.Path;

import qcowdesk.cli.support.CliFailure;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.qcow2.tools.ImageInfo;

/**
 * The file names of an image's backing chain, as qemu-img map shows them: the image as given at depth 0, then
 * each backing file resolved against the directory of the image that names it. Read lazily, one header per depth.
 */
final class BackingChainNames {

    private final List<String> names = new ArrayList<>();

    BackingChainNames(Path image) {
        names.add(image.toString());
    }

    String nameAt(int depth) {
        try {
            while (names.size() <= depth) {
                ImageInfo info = ImageInfo.of(Path.of(names.get(names.size() - 1)));
                if (info.fullBackingFilename() == null) {
                    throw new CliFailure(ExitCodes.REFUSED, "the map names depth " + depth + " but the backing chain of "
                            + names.get(0) + " has only " + names.size() + " files");
                }
                names.add(info.fullBackingFilename());
            }
            return names.get(depth);
        } catch (EngineException e) {
            throw new CliFailure(ExitCodes.REFUSED, e.getMessage(), e);
        }
    }
}
