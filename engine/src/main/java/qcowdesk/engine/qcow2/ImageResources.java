package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.Qcow2Header;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.OpenErrors;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Set;

/**
 * The files behind one open image: the image file (locked when writable), its external data file and its backing
 * chain, opened and validated in that order and closed together.
 */
final class ImageResources implements Closeable {

    private final ImageFile image;
    private final ImageFile data;
    private final GuestLayer backing;
    private final Qcow2Header header;
    private final ImageLock lock;
    private final ImageLock dataLock;

    private ImageResources(ImageFile image, ImageFile data, GuestLayer backing, Qcow2Header header, ImageLock lock,
                           ImageLock dataLock) {
        this.image = image;
        this.data = data;
        this.backing = backing;
        this.header = header;
        this.lock = lock;
        this.dataLock = dataLock;
    }

    ImageFile image() {
        return image;
    }

    /** Where guest data lives: the external data file, or the image itself. */
    ImageFile data() {
        return data;
    }

    boolean hasExternalData() {
        return data != image;
    }

    GuestLayer backing() {
        return backing;
    }

    /** The header as read and validated at open; afterwards the metadata store holds the current one. */
    Qcow2Header openedHeader() {
        return header;
    }

    static ImageResources open(Path path, OpenOptions options, ChainGuard chain) throws IOException {
        return open(path, options, chain, null);
    }

    /**
     * Opens as above, except that a non-null {@code trustedBacking} replaces whatever backing file the header
     * names: the caller made this image itself (a temporary overlay) and knows what lies under it, so the name in
     * its header is never looked up. The backing image is opened read-only under {@code trustedBacking}'s own
     * options: it stays untrusted input, and the external files policy still applies to the files it names.
     */
    static ImageResources open(Path path, OpenOptions options, ChainGuard chain, TrustedBacking trustedBacking)
            throws IOException {
        return open(path, options, chain, trustedBacking, false);
    }

    /** As above; {@code excludeWriters} locks a read-only image against writers (see {@link TrustedBacking}). */
    static ImageResources open(Path path, OpenOptions options, ChainGuard chain, TrustedBacking trustedBacking,
                               boolean excludeWriters) throws IOException {
        ImageFile image = openFile(path, options.isReadOnly());
        ImageLock lock = null;
        ImageLock dataLock = null;
        ImageFile data = null;
        GuestLayer backing = null;
        try {
            chain.enter(image.fileKey(), path.toString());
            if (!options.isReadOnly()) {
                lock = ImageLock.acquireWrite(path, image.fileKey(), image.channel());
                image.ownLength();
            } else if (excludeWriters) {
                lock = ImageLock.acquireExcludingWriters(path, image.fileKey(), image.channel());
            }
            Qcow2Header header = HeaderFile.read(image.channel());
            header.checkOpenable(options.isReadOnly());
            data = header.hasExternalDataFile() ? openDataFile(path, header, options) : image;
            if (data != image && !options.isReadOnly()) {
                // QEMU locks the data file like the image: a second writer must not get at the guest data either
                dataLock = ImageLock.acquireWrite(data.path(), data.fileKey(), data.channel());
                data.ownLength();
            }
            if (trustedBacking != null) {
                if (!header.hasBackingFile()) {
                    throw new EngineException(ErrorCode.INVALID_IMAGE, path + " was expected to be an overlay, "
                            + "but it has no backing file");
                }
                backing = Qcow2Image.open(trustedBacking.path(), trustedBacking.options(), chain,
                        trustedBacking.excludeWriters());
                if (backing.size() != header.size()) {
                    throw new EngineException(ErrorCode.INVALID_IMAGE, trustedBacking.path() + " is "
                            + backing.size() + " bytes, but its overlay " + path + " was made for "
                            + header.size());
                }
            } else if (header.hasBackingFile()) {
                backing = openBacking(path, header, options, chain);
            }
            return new ImageResources(image, data, backing, header, lock, dataLock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(backing);
            if (dataLock != null) {
                dataLock.release();
            }
            if (data != null && data != image) {
                closeQuietly(data);
            }
            if (lock != null) {
                lock.release();
            }
            closeQuietly(image);
            throw e;
        }
    }

    private static ImageFile openDataFile(Path path, Qcow2Header header, OpenOptions options) throws IOException {
        String name = header.dataFile().orElseThrow(() -> new EngineException(ErrorCode.INVALID_IMAGE,
                path + " has the external data file bit set but names no data file"));
        ChainFile file = ExternalFilePolicy.inspect(path, ChainFile.Role.DATA_FILE, name, "raw", header);
        if (!file.exists()) {
            throw new EngineException(ErrorCode.INVALID_IMAGE,
                    "data file " + file.path() + " of " + path + " does not exist");
        }
        ExternalFilePolicy.require(path, file, options);
        return openFile(file.path(), options.isReadOnly());
    }

    static boolean isRemoteName(String name) {
        return name.startsWith("json:") || name.contains("://");
    }

    private static GuestLayer openBacking(Path path, Qcow2Header header, OpenOptions options, ChainGuard chain)
            throws IOException {
        String name = header.backingFile();
        if (isRemoteName(name)) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "backing file '" + name + "' is not a local file");
        }
        ChainFile file = ExternalFilePolicy.inspect(path, ChainFile.Role.BACKING, name,
                header.backingFormat().orElse(null), header);
        Path backingPath = file.path();
        if (!file.exists()) {
            throw new EngineException(ErrorCode.INVALID_IMAGE,
                    "backing file " + backingPath + " of " + path + " does not exist");
        }
        ExternalFilePolicy.require(path, file, options);
        String format = file.format();
        switch (format.toLowerCase(Locale.ROOT)) {
            case "qcow2":
                return Qcow2Image.open(backingPath,
                        OpenOptions.readOnly().withExternalFilesAllowed(options.allowExternalFiles()), chain);
            case "raw":
                ImageFile raw = openFile(backingPath, true);
                chain.enter(raw.fileKey(), backingPath.toString());
                return new RawLayer(raw);
            default:
                throw new EngineException(ErrorCode.UNSUPPORTED,
                        "backing file format '" + format + "' is not supported (only qcow2 and raw)");
        }
    }

    static String probeFormat(Path p) throws IOException {
        try (ImageFile file = openFile(p, true)) {
            ByteBuffer magic = ByteBuffer.allocate(4);
            file.channel().read(magic, 0);
            return magic.position() == 4 && magic.getInt(0) == Qcow2Header.MAGIC ? "qcow2" : "raw";
        }
    }

    static Path resolve(Path image, String name) throws EngineException {
        Path p;
        try {
            p = Path.of(name);
        } catch (java.nio.file.InvalidPathException e) {
            // The name comes from the image file: a NUL byte in it is damage (or a trick), not a file name.
            throw new EngineException(ErrorCode.INVALID_IMAGE, image + ": the image names a file that is not a valid"
                    + " path (" + e.getReason() + ")");
        }
        if (p.isAbsolute()) {
            return p;
        }
        Path dir = image.toAbsolutePath().getParent();
        return dir == null ? p : dir.resolve(p);
    }

    static ImageFile openFile(Path path, boolean readOnly) throws IOException {
        RegularFiles.Opened opened;
        try {
            opened = RegularFiles.open(path, !readOnly);
        } catch (IOException e) {
            throw OpenErrors.explain(e, path.toString(), !readOnly, OpenErrors.ATTACH_READ_ONLY);
        }
        ImageFile file = new ImageFile(path, opened.channel(), opened.fileKey());
        if (!readOnly && !hasAnyWriteBit(path)) {
            // root may open anything for writing; a file nobody may write is still meant to stay unchanged
            file.close();
            throw new EngineException(ErrorCode.READ_ONLY_FILE,
                    path + " is not writable (mode has no write permission; attach it read-only)");
        }
        return file;
    }

    private static boolean hasAnyWriteBit(Path path) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
            return perms.contains(PosixFilePermission.OWNER_WRITE) || perms.contains(PosixFilePermission.GROUP_WRITE)
                    || perms.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        if (dataLock != null) {
            dataLock.release();
        }
        for (Closeable c : new Closeable[]{backing, data != image ? data : null}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (lock != null) {
            lock.release();
        }
        image.close();
        if (first != null) {
            throw first;
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException ignored) {
            // already failing; the first error is the one to report
        }
    }
}
