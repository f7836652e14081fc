package qcowdesk.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The app says once what is missing when GTK will complain about dconf, and nothing when a bus is there. */
class SessionBusTest {

    @TempDir
    Path runtime;

    @Test
    void saysOnceWhatIsMissingAndHowToQuietIt() throws Exception {
        String line = SessionBus.missing(Map.of("XDG_RUNTIME_DIR", runtime.toString())).orElseThrow();
        assertTrue(line.contains("GSETTINGS_BACKEND=memory"), line);
        assertFalse(SessionBus.missing(Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/0/bus")).isPresent());
        assertFalse(SessionBus.missing(Map.of("GSETTINGS_BACKEND", "memory")).isPresent());
        Files.createFile(runtime.resolve("bus"));
        assertFalse(SessionBus.missing(Map.of("XDG_RUNTIME_DIR", runtime.toString())).isPresent());
    }
}
