package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.tools.ImageInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The backing file of an image as commit and rebase need it, with the checks they make before writing anything. */
record Chain(Path image, ImageInfo info, Path backing, DiskFormat backingFormat) {

    /** Reads the image's header and finds its backing file; refuses an image without one. */
    static Chain of(Path image) throws IOException {
        ImageInfo info = ImageInfo.of(image);
        if (info.fullBackingFilename() == null) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, image + " has no backing file");
        }
        Path backing = Path.of(info.fullBackingFilename());
        if (!Files.exists(backing)) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "the backing file of " + image + ", "
                    + backing + ", does not exist");
        }
        DiskFormat format = info.backingFilenameFormat() != null ? DiskFormat.named(info.backingFilenameFormat())
                : DiskFormat.probe(backing);
        return new Chain(image, info, backing, format);
    }

    /**
     * An overlay is made as large as its backing file (or larger). A backing file larger than the overlay has
     * changed since the overlay was made: writing on that basis could expose or lose data, so it is refused.
     */
    void requireUnchangedBacking() throws IOException {
        long backingSize = backingFormat == DiskFormat.QCOW2 ? ImageInfo.of(backing).virtualSize()
                : Files.size(backing);
        if (backingSize > info.virtualSize()) {
            throw new EngineException(ErrorCode.INVALID_IMAGE, "the backing file " + backing + " ("
                    + backingSize + " bytes) is larger than " + image + " (" + info.virtualSize()
                    + " bytes): it has changed since the overlay was made; refusing to write either");
        }
    }
}
