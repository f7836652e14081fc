package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the images an operation reads: read-only, shared with any writer, as {@code qemu-img -U} does. */
public final class Inputs {

    private Inputs() {
    }

    /** Opens {@code path} as {@code format}, or as its probed format when {@code format} is null. */
    public static VirtualDisk open(Path path, DiskFormat format) throws IOException {
        if (!Files.exists(path)) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "Could not open '" + path
                    + "': No such file or directory");
        }
        DiskFormat actual = format != null ? format : DiskFormat.probe(path);
        return actual == DiskFormat.QCOW2 ? Qcow2Image.open(path, OpenOptions.readOnly()) : RawDisk.open(path);
    }
}
