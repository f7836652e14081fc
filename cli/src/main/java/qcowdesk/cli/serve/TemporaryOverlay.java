package qcowdesk.cli.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.ops.Commit;
import qcowdesk.engine.qcow2.tools.CreateOptions;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.engine.qcow2.tools.Qcow2Creator;

/**
 * Temporary writes ({@code serve --temporary}, like {@code qemu-nbd -s}): clients write into an overlay whose
 * backing file is the image, so the image itself is only read. The overlay is a hidden file in the image's own
 * directory: the engine opens a backing file without asking only when it lies beside the image naming it (see
 * the external files policy), and this keeps the overlay on the image's file system. At the end the overlay is
 * discarded, kept as a new image, or committed into the image.
 */
record TemporaryOverlay(Path image, Path overlay) {

    /** What happens to the temporary writes when serving ends. */
    enum Exit { DISCARD, KEEP, COMMIT }

    static TemporaryOverlay create(Path image) throws IOException {
        Path absolute = image.toAbsolutePath();
        ImageInfo info = ImageInfo.of(absolute);
        Path overlay = absolute.resolveSibling("." + absolute.getFileName() + ".temporary-"
                + ProcessHandle.current().pid() + ".qcow2");
        Qcow2Creator.create(overlay, CreateOptions.of(info.virtualSize()).withClusterSize(info.clusterSize())
                .withBacking(absolute.getFileName().toString(), "qcow2"));
        return new TemporaryOverlay(absolute, overlay);
    }

    /** Ends the temporary writes as asked; {@code keepAs} names the new image for {@link Exit#KEEP}. */
    String finish(Exit exit, Path keepAs) throws IOException {
        switch (exit) {
            case KEEP -> {
                Path target = keepAs.toAbsolutePath();
                if (Files.exists(target)) {
                    throw new EngineException(ErrorCode.INVALID_ARGUMENT, target + " already exists; the temporary "
                            + "writes stay in " + overlay);
                }
                Qcow2Image.setBackingFile(overlay, image.toString(), "qcow2");
                Files.move(overlay, target, StandardCopyOption.ATOMIC_MOVE);
                return "temporary writes kept in " + target + " (backing file " + image + ")";
            }
            case COMMIT -> {
                Commit.run(overlay, true, ProgressListener.NONE, () -> false);
                Files.delete(overlay);
                return "temporary writes committed into " + image;
            }
            default -> {
                Files.deleteIfExists(overlay);
                return "temporary writes discarded";
            }
        }
    }
}
