package qcowdesk.engine.qcow2.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import qcowdesk.engine.support.EarlyFileBlocks;
import qcowdesk.engine.support.FileBlocks;

/**
 * Bytes a file occupies on disk ({@code st_blocks * 512}), what {@code qemu-img info} calls actual-size. Java's file
 * attributes do not expose st_blocks, so this asks {@link FileBlocks} (or takes the answer of a stat started early,
 * {@link EarlyFileBlocks}); when that is unavailable the logical size stands in.
 */
public final class AllocatedSize {

    private AllocatedSize() {
    }

    public static long of(Path path) {
        try {
            FileBlocks early = EarlyFileBlocks.take(path);
            return (early != null ? early : FileBlocks.of(path)).allocatedBytes();
        } catch (IOException e) {
            // fall through to the logical size: an estimate is better than no info at all
        }
        try {
            return Files.size(path);
        } catch (IOException e) {
            return 0;
        }
    }
}
