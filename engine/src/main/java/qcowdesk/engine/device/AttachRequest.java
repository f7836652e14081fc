package qcowdesk.engine.device;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What to attach and how.
 *
 * @param fileName         the image file name exactly as the user gave it; {@code fname} reports it unchanged
 * @param readOnly         open the file read-only and refuse writes; when false, a file that cannot be opened
 *                         for writing makes the attach fail (never a silent fallback to read-only)
 * @param secBits          exponent of the sector size the device presents: 9..16, or 0 for 9 (512 bytes)
 * @param unit             the unit name wanted ({@code qcowN} or a safe export name), or null for the next free
 *                         {@code qcowN}
 * @param workingDirectory the directory a relative {@code fileName} is relative to: the caller's, which is not
 *                         the owner process's when the request comes over the control socket
 * @param allowExternalFiles the user trusts this image: open the backing and data files it names even where the
 *                         external files policy ({@link qcowdesk.engine.qcow2.ExternalFilePolicy}) would refuse them
 * @param temporary        temporary writes: clients write into an overlay in the owner's private directory, the
 *                         image is only read; at detach the writes are discarded, kept or committed
 * @param snapshot         the internal snapshot (name or id) the device presents instead of the image's current
 *                         state, or null; a snapshot is always attached read-only (like qemu-nbd -l)
 */
public record AttachRequest(String fileName, boolean readOnly, int secBits, String unit, Path workingDirectory,
                            boolean allowExternalFiles, boolean temporary, String snapshot) {

    public AttachRequest {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        if (readOnly && temporary) {
            throw new IllegalArgumentException("a device is read-only or temporary, not both");
        }
        if (snapshot != null && !readOnly) {
            throw new IllegalArgumentException("a snapshot is attached read-only");
        }
    }

    public AttachRequest(String fileName, boolean readOnly, int secBits, String unit, Path workingDirectory,
                         boolean allowExternalFiles, boolean temporary) {
        this(fileName, readOnly, secBits, unit, workingDirectory, allowExternalFiles, temporary, null);
    }

    public AttachRequest(String fileName, boolean readOnly, int secBits, String unit, Path workingDirectory,
                         boolean allowExternalFiles) {
        this(fileName, readOnly, secBits, unit, workingDirectory, allowExternalFiles, false);
    }

    /** A request under the default policy: files outside the image's directory are refused. */
    public AttachRequest(String fileName, boolean readOnly, int secBits, String unit, Path workingDirectory) {
        this(fileName, readOnly, secBits, unit, workingDirectory, false);
    }

    /** A request whose relative file name is relative to this process's working directory. */
    public AttachRequest(String fileName, boolean readOnly, int secBits, String unit) {
        this(fileName, readOnly, secBits, unit, Path.of("").toAbsolutePath());
    }

    /** The same request with external files allowed or not. */
    public AttachRequest withExternalFilesAllowed(boolean allowed) {
        return new AttachRequest(fileName, readOnly, secBits, unit, workingDirectory, allowed, temporary, snapshot);
    }

    /** The same request for temporary writes (the device is writable; the image is only read). */
    public AttachRequest asTemporary() {
        return new AttachRequest(fileName, false, secBits, unit, workingDirectory, allowExternalFiles, true);
    }

    /** The same request presenting internal snapshot {@code name} (name or id), read-only. */
    public AttachRequest withSnapshot(String name) {
        Objects.requireNonNull(name, "snapshot");
        return new AttachRequest(fileName, true, secBits, unit, workingDirectory, allowExternalFiles, false, name);
    }

    /** The file to open: {@code fileName} resolved against {@code workingDirectory}. */
    public Path path() {
        return workingDirectory.resolve(fileName);
    }
}
