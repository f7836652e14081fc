package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Which files named by an image may be opened without asking. Images are untrusted input (a downloaded image
 * could name {@code ~/.bashrc} as its data file, or {@code /etc/shadow} as a raw backing file), so a backing or
 * data file is opened freely only when it lies in the naming image's directory or below it (symbolic links
 * resolved), its format is recorded in the image (never guessed), and a data file has the image's size. Anything
 * else needs {@link OpenOptions#allowExternalFiles()}.
 */
public final class ExternalFilePolicy {

    private ExternalFilePolicy() {
    }

    /**
     * Describes the file {@code name} that {@code namingImage} names in {@code role}: where it really is and what
     * about it needs consent. {@code recordedFormat} is null when the image does not say the file's format.
     * {@code header} is the naming image's header (for a data file's expected size).
     */
    static ChainFile inspect(Path namingImage, ChainFile.Role role, String name, String recordedFormat,
                             Qcow2Header header) throws IOException {
        Path path = ImageResources.resolve(namingImage, name);
        if (!Files.exists(path)) {
            return new ChainFile(role, name, path, recordedFormat, false, List.of());
        }
        requireRegularFile(path);
        Path real = path.toRealPath();
        List<String> concerns = new ArrayList<>();
        Path home = directoryOf(namingImage);
        if (!real.startsWith(home)) {
            concerns.add("it is outside the image's directory " + home);
        }
        String format = recordedFormat;
        if (format == null) {
            format = ImageResources.probeFormat(real);
            concerns.add("its format is not recorded in the image (it would have to be guessed: " + format + ")");
        }
        if (role == ChainFile.Role.DATA_FILE) {
            long size = Files.size(real);
            long virtual = header.size();
            long cluster = header.clusterSize();
            long roundedUp = (virtual + cluster - 1) / cluster * cluster;
            if (size < virtual || size > roundedUp) {
                concerns.add("its size (" + size + " bytes) does not fit the image (" + virtual + " bytes)");
            }
        }
        return new ChainFile(role, name, real, format, true, concerns);
    }

    /** Refuses {@code file} when it needs consent that {@code options} do not give. */
    static void require(Path namingImage, ChainFile file, OpenOptions options) throws EngineException {
        if (file.needsConsent() && !options.allowExternalFiles()) {
            throw new EngineException(ErrorCode.EXTERNAL_FILE, refusal(namingImage, file));
        }
    }

    /** The sentence that tells the user which file was refused and why. */
    public static String refusal(Path namingImage, ChainFile file) {
        return namingImage + " names " + file.path() + " as its " + file.role().label()
                + (file.name().equals(file.path().toString()) ? "" : " ('" + file.name() + "')") + ", but "
                + String.join(" and ", file.concerns())
                + "; it is opened only if you allow external files for this image";
    }

    /**
     * Fails unless {@code path} is a regular file. Checked before opening, because opening a FIFO blocks until a
     * writer appears, and a device or directory is never an image.
     */
    public static void requireRegularFile(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, path + " is not a regular file (it is "
                    + (attributes.isDirectory() ? "a directory" : "a FIFO, socket or device") + ")");
        }
    }

    private static Path directoryOf(Path image) throws IOException {
        Path parent = image.toAbsolutePath().getParent();
        return parent == null ? Path.of("/") : parent.toRealPath();
    }
}
