package qcowdesk.engine.device;

import java.io.IOException;
import java.nio.file.Path;

import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;

/** Opens the image behind a device; the seam between the device table and the image format. */
@FunctionalInterface
public interface DiskOpener {

    /**
     * Opens {@code path}, read-only or read-write. A writable open of a file that cannot be written must fail
     * (with an {@link java.nio.file.AccessDeniedException}, a {@link java.nio.file.FileSystemException} or an
     * {@link qcowdesk.engine.EngineException}), never fall back to read-only.
     */
    VirtualDisk open(Path path, boolean readOnly) throws IOException;

    /** QCOW2 images, with the engine's image locking (a writer excludes other writers, QEMU's included). */
    static DiskOpener qcow2() {
        return (path, readOnly) -> Qcow2Image.open(path, readOnly ? OpenOptions.readOnly() : OpenOptions.readWrite());
    }
}
