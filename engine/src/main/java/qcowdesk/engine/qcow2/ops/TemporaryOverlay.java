package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.TrustedBacking;
import qcowdesk.engine.qcow2.tools.CreateOptions;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.engine.qcow2.tools.Qcow2Creator;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Temporary writes (like {@code qemu-nbd -s}): a QCOW2 overlay in a private directory of ours whose backing
 * file is the user's image, which is only ever read while the overlay is in use. The overlay is trusted (we made
 * it), so its chain is built directly ({@link Qcow2Image#openOverlay}) instead of trusting the path in its
 * header; the image stays untrusted input and is opened under the user's own external files consent. The header
 * still names the image by its absolute path and format, so a kept overlay is an ordinary image QEMU can read.
 *
 * <p>At the end the writes are discarded (the overlay deleted), kept (the overlay copied to a new file the user
 * names, durably, then renamed into place: a standalone overlay backed by the image), or committed into the image
 * (the overlay's clusters written into the image, which is then opened read-write with its write lock).
 */
public final class TemporaryOverlay {

    /** Overlay files are named {@code overlay-PID-N.qcow2}: the owner's process id proves whose they are. */
    private static final Pattern NAME = Pattern.compile("overlay-(\\d+)-(\\d+)\\.qcow2");
    private static final AtomicLong COUNTER = new AtomicLong();

    private final Path image;
    private final Path overlay;
    private final boolean allowExternalFiles;

    private TemporaryOverlay(Path image, Path overlay, boolean allowExternalFiles) {
        this.image = image;
        this.overlay = overlay;
        this.allowExternalFiles = allowExternalFiles;
    }

    /**
     * Creates an empty overlay over {@code image} in {@code directory} (made private if it has to be created).
     * {@code allowExternalFiles} is the user's consent for the files the image names.
     */
    public static TemporaryOverlay create(Path image, Path directory, boolean allowExternalFiles) throws IOException {
        Path absolute = image.toAbsolutePath().normalize();
        ImageInfo info = ImageInfo.of(absolute);
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        Path overlay = directory.resolve("overlay-" + ProcessHandle.current().pid() + "-"
                + COUNTER.incrementAndGet() + ".qcow2");
        Qcow2Creator.create(overlay, CreateOptions.of(info.virtualSize()).withClusterSize(info.clusterSize())
                .withBacking(absolute.toString(), "qcow2"));
        return new TemporaryOverlay(absolute, overlay, allowExternalFiles);
    }

    /**
     * Deletes the overlays in {@code directory} a killed owner left: only files named as {@link #create} names
     * them, whose process is gone and which nobody holds open (see {@link AbandonedFiles}). Returns how many.
     */
    public static int deleteAbandoned(Path directory) throws IOException {
        return AbandonedFiles.delete(directory, NAME);
    }

    public Path image() {
        return image;
    }

    public Path overlay() {
        return overlay;
    }

    /**
     * Opens the overlay read-write over the image, which is opened read-only and locked as QEMU locks a backing
     * file: no writer, here or in QEMU, may change it while the overlay depends on it.
     */
    public Qcow2Image open() throws IOException {
        try {
            return Qcow2Image.openOverlay(overlay, OpenOptions.readWrite(), new TrustedBacking(image,
                    OpenOptions.readOnly().withExternalFilesAllowed(allowExternalFiles), true));
        } catch (EngineException e) {
            throw Exclusive.explain(e, image);
        }
    }

    private TrustedBacking backing() {
        return new TrustedBacking(image, OpenOptions.readOnly().withExternalFilesAllowed(allowExternalFiles));
    }

    /** Throws unless the writes could be kept as {@code target} now (checked before a detach begins). */
    public static void checkKeep(Path target) throws EngineException {
        if (Files.exists(target)) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, target + " already exists; choose a new file name "
                    + "to keep the temporary writes in");
        }
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "cannot create " + target + ": "
                    + (dir == null || !Files.isDirectory(dir) ? "its directory does not exist"
                    : "its directory is not writable"));
        }
    }

    /** Throws unless the writes could be committed into the image now (checked before a detach begins). */
    public void checkCommit() throws EngineException {
        if (!Files.isWritable(image)) {
            throw new EngineException(ErrorCode.READ_ONLY_FILE, "cannot commit into " + image
                    + ": it is not writable; keep the writes as a new image instead");
        }
    }

    /** Deletes the overlay: the writes are gone, the image was never written. Call once the overlay is closed. */
    public void discard() throws IOException {
        Files.deleteIfExists(overlay);
    }

    /**
     * Keeps the writes as the new image {@code target}: a QCOW2 overlay backed by the image's absolute path. The
     * copy is built beside the target under a hidden name, synced, and renamed into place, so a crash leaves no
     * half-written target. Call once the overlay is closed; the overlay is deleted afterwards.
     */
    public void keep(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        checkKeep(absolute);
        Path building = TemporaryFiles.beside(absolute);
        try {
            Files.copy(overlay, building);
            try (FileChannel file = FileChannel.open(building, StandardOpenOption.WRITE)) {
                file.force(true);
            }
            checkKeep(absolute);
            Files.move(building, absolute, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel dir = FileChannel.open(absolute.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } finally {
            Files.deleteIfExists(building);
        }
        discard();
    }

    /**
     * Writes what the overlay holds into the image (opened read-write with its write lock, so an image someone
     * else writes is refused), then deletes the overlay. Call once the overlay is closed. A crash part-way leaves
     * the image consistent (at worst leaked clusters) with part of the writes in it, as {@code qemu-img commit}.
     */
    public void commit(ProgressListener progress, BooleanSupplier cancelled) throws IOException {
        try (Qcow2Image base = openImageForCommit();
             Qcow2Image top = Qcow2Image.openOverlay(overlay, OpenOptions.readOnly(), backing())) {
            Commit.copyDown(top, base, progress, cancelled);
            base.flush();
        }
        discard();
    }

    private Qcow2Image openImageForCommit() throws IOException {
        try {
            return Qcow2Image.open(image, OpenOptions.readWrite().withExternalFilesAllowed(allowExternalFiles));
        } catch (EngineException e) {
            throw Exclusive.explain(e, image);
        }
    }
}
