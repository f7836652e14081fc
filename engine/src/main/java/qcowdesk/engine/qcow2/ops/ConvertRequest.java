package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.tools.CreateOptions;

/**
 * What {@link Convert} makes: the output format, the new image's options (its virtual size is the source's; a
 * backing file named here is the target's, as with {@code qemu-img convert -B}), whether to compress, and on how
 * many threads.
 */
public record ConvertRequest(DiskFormat format, CreateOptions target, boolean compress, int threads) {

    /** Compression threads by default: one per processor. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    void validate() throws EngineException {
        if (format == DiskFormat.RAW && compress) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT,
                    "compression is not supported for raw output (use -O qcow2)");
        }
        if (format == DiskFormat.RAW && target.backingFile() != null) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "a backing file needs qcow2 output (-O qcow2)");
        }
        if (format == DiskFormat.QCOW2) {
            target.validate();
        }
    }
}
