package qcowdesk.engine.device;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.ops.InternalSnapshots;
import qcowdesk.engine.qcow2.ops.TemporaryOverlay;
import qcowdesk.engine.qcow2.tools.ProgressListener;

/** Opens the image behind a device; the seam between the device table and the image format. */
@FunctionalInterface
public interface DiskOpener {

    /**
     * Opens {@code path}, read-only or read-write. A writable open of a file that cannot be written must fail
     * (with an {@link java.nio.file.AccessDeniedException}, a {@link java.nio.file.FileSystemException} or an
     * {@link qcowdesk.engine.EngineException}), never fall back to read-only.
     */
    VirtualDisk open(Path path, boolean readOnly) throws IOException;

    /**
     * Opens {@code path}; with {@code allowExternalFiles} also the files it names that the external files policy
     * refuses by default. Openers of formats that name no other files need not override this.
     */
    default VirtualDisk open(Path path, boolean readOnly, boolean allowExternalFiles) throws IOException {
        return open(path, readOnly);
    }

    /**
     * Opens as {@link #open(Path, boolean, boolean)}; repairs the image first where QEMU would (an image left
     * dirty by a crashed writer with lazy refcounts), telling {@code notes} what was done.
     */
    default VirtualDisk open(Path path, boolean readOnly, boolean allowExternalFiles, Consumer<String> notes)
            throws IOException {
        return open(path, readOnly, allowExternalFiles);
    }

    /**
     * Opens internal snapshot {@code snapshot} (name or id) of {@code path}, read-only, as {@code serve --snapshot}
     * does; a name the image does not have is refused with the names it has.
     */
    default VirtualDisk openSnapshot(Path path, String snapshot, boolean allowExternalFiles) throws IOException {
        throw new EngineException(ErrorCode.UNSUPPORTED, "internal snapshots are not available for " + path);
    }

    /**
     * Creates internal snapshot {@code name} of the closed image {@code path} (the device table has closed it and
     * reopens it afterwards).
     */
    default void createSnapshot(Path path, String name) throws IOException {
        throw new EngineException(ErrorCode.UNSUPPORTED, "internal snapshots are not available for " + path);
    }

    /**
     * Opens {@code image} read-only under a new temporary overlay in {@code directory} that takes the writes;
     * {@code allowExternalFiles} is the user's consent for the files the image names.
     */
    default TemporaryDisk openTemporary(Path image, Path directory, boolean allowExternalFiles) throws IOException {
        throw new EngineException(ErrorCode.UNSUPPORTED, "temporary writes are not available for " + image);
    }

    /**
     * QCOW2 images, with the engine's image locking (a writer excludes other writers, QEMU's included). A writable
     * open of an image marked dirty rebuilds its refcounts first, as QEMU does ({@link Qcow2Image#open}), and the
     * device table hears what was repaired.
     */
    static DiskOpener qcow2() {
        return new DiskOpener() {
            @Override
            public VirtualDisk open(Path path, boolean readOnly, boolean allowExternalFiles, Consumer<String> notes)
                    throws IOException {
                VirtualDisk disk = open(path, readOnly, allowExternalFiles);
                if (disk instanceof Qcow2Image image) {
                    image.repairedAtOpen().ifPresent(notes);
                }
                return disk;
            }

            @Override
            public VirtualDisk open(Path path, boolean readOnly) throws IOException {
                return open(path, readOnly, false);
            }

            @Override
            public VirtualDisk open(Path path, boolean readOnly, boolean allowExternalFiles) throws IOException {
                OpenOptions options = readOnly ? OpenOptions.readOnly() : OpenOptions.readWrite();
                return Qcow2Image.open(path, options.withExternalFilesAllowed(allowExternalFiles));
            }

            @Override
            public VirtualDisk openSnapshot(Path path, String snapshot, boolean allowExternalFiles)
                    throws IOException {
                return Qcow2Image.openSnapshot(path, snapshot,
                        OpenOptions.readOnly().withExternalFilesAllowed(allowExternalFiles));
            }

            @Override
            public void createSnapshot(Path path, String name) throws IOException {
                InternalSnapshots.create(path, name, ProgressListener.NONE, () -> false);
            }

            @Override
            public TemporaryDisk openTemporary(Path image, Path directory, boolean allowExternalFiles)
                    throws IOException {
                return temporaryQcow2(TemporaryOverlay.create(image, directory, allowExternalFiles));
            }
        };
    }

    private static TemporaryDisk temporaryQcow2(TemporaryOverlay overlay) throws IOException {
        VirtualDisk disk;
        try {
            disk = overlay.open();
        } catch (IOException | RuntimeException e) {
            overlay.discard();
            throw e;
        }
        return new TemporaryDisk() {
            @Override
            public VirtualDisk disk() {
                return disk;
            }

            @Override
            public Path overlay() {
                return overlay.overlay();
            }

            @Override
            public void check(TemporaryWrites end) throws EngineException {
                switch (end.kind()) {
                    case KEEP -> TemporaryOverlay.checkKeep(end.keepAs());
                    case COMMIT -> overlay.checkCommit();
                    default -> { }
                }
            }

            @Override
            public void finish(TemporaryWrites end) throws IOException {
                switch (end.kind()) {
                    case KEEP -> overlay.keep(end.keepAs());
                    case COMMIT -> overlay.commit(ProgressListener.NONE, () -> false);
                    default -> overlay.discard();
                }
            }
        };
    }
}
