package qcowdesk.app.settings;

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

/**
 * Reads and writes {@code settings.json} in the config directory, beside the library, the same way: written to
 * a temporary file renamed over the old one, so a crash never leaves half a file.
 */
public final class SettingsStore {

    public static final String FILE_NAME = "settings.json";

    private final ObjectMapper json = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Path file;

    public SettingsStore(Path configDirectory) {
        this.file = configDirectory.resolve(FILE_NAME);
    }

    /** The remembered settings; the defaults when there are none yet. */
    public Settings load() throws IOException {
        if (!Files.exists(file)) {
            return Settings.DEFAULTS;
        }
        try {
            Settings settings = json.readValue(file.toFile(), Settings.class);
            return settings == null ? Settings.DEFAULTS : settings;
        } catch (JacksonException e) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT,
                    "The settings file " + file + " is not valid: " + e.getOriginalMessage() + "; the defaults are used");
        }
    }

    public void save(Settings settings) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
        json.writeValue(temporary.toFile(), settings);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
