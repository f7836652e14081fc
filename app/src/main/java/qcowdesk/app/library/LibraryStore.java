package qcowdesk.app.library;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes the image library, {@code library.json} in the config directory:
 * {@code {"version":1,"images":[{"path":"/abs/disk.qcow2"}, ...],"consents":[{"image":{"dev":..,"ino":..},
 * "files":[{"dev":..,"ino":..}]}]}}: the images, and the user's consents to open files images name outside the
 * external files policy. Writes go to a temporary file that is then
 * renamed over the old one, so a crash never leaves a half-written library.
 */
public final class LibraryStore {

    public static final String FILE_NAME = "library.json";
    private static final int FORMAT_VERSION = 1;

    /** The file's JSON shape. */
    record LibraryFile(int version, List<Entry> images, List<ExternalFileConsent> consents) {
    }

    record Entry(String path) {
    }

    private final ObjectMapper json = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Path file;
    /** The consents read or written last; kept so that saving the image list keeps them too. */
    private final List<ExternalFileConsent> consents = new ArrayList<>();
    private List<Path> images = List.of();

    public LibraryStore(Path configDirectory) {
        this.file = configDirectory.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /** The remembered images in order; empty when there is no library yet. */
    public List<Path> load() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        LibraryFile library;
        try {
            library = json.readValue(file.toFile(), LibraryFile.class);
        } catch (JacksonException e) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT,
                    "The image library " + file + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (library == null || library.version() != FORMAT_VERSION || library.images() == null) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT,
                    "The image library " + file + " is not a version " + FORMAT_VERSION + " QcowDesk library");
        }
        List<Path> loaded = library.images().stream()
                .filter(entry -> entry != null && entry.path() != null && !entry.path().isBlank())
                .map(entry -> Path.of(entry.path()))
                .toList();
        synchronized (this) {
            images = loaded;
            consents.clear();
            if (library.consents() != null) {
                library.consents().stream().filter(c -> c != null && c.image() != null && c.files() != null)
                        .forEach(consents::add);
            }
        }
        return loaded;
    }

    public synchronized void save(List<Path> images) throws IOException {
        this.images = List.copyOf(images);
        write();
    }

    /**
     * True when the user allowed {@code image} to open {@code files} (device and inode of each, as they are now);
     * consents come from the last {@link #load}.
     */
    public synchronized boolean allows(FileId image, Set<FileId> files) {
        return consents.stream().anyMatch(consent -> consent.covers(image, files));
    }

    /** Remembers a consent (replacing an older one for the same image) and writes the library. */
    public synchronized void remember(ExternalFileConsent consent) throws IOException {
        consents.removeIf(old -> old.image().equals(consent.image()));
        consents.add(consent);
        write();
    }

    private void write() throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
        json.writeValue(temporary.toFile(), new LibraryFile(FORMAT_VERSION,
                images.stream().map(path -> new Entry(path.toString())).toList(), List.copyOf(consents)));
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Moves an unreadable library aside so that the next save does not destroy what the user might recover. */
    public Path keepBrokenCopy() throws IOException {
        Path broken = file.resolveSibling(FILE_NAME + ".broken");
        Files.move(file, broken, StandardCopyOption.REPLACE_EXISTING);
        return broken;
    }
}
