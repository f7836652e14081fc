package qcowdesk.app.settings;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AppDirectoriesTest {

    private static Properties properties(String... keyValues) {
        Properties properties = new Properties();
        properties.setProperty("user.home", "/home/me");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    @Test
    void configFollowsXdgWithTheUsualFallback() {
        assertEquals(Path.of("/home/me/.config/qcowdesk"), AppDirectories.resolve(properties(), Map.of()).config());
        assertEquals(Path.of("/xdg/qcowdesk"),
                AppDirectories.resolve(properties(), Map.of("XDG_CONFIG_HOME", "/xdg")).config());
    }

    @Test
    void theEnvironmentAndThenSystemPropertiesOverride() {
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", "/xdg", "QCOWDESK_CONFIG_DIR", "/env/config");
        assertEquals(Path.of("/env/config"), AppDirectories.resolve(properties(), env).config());
        AppDirectories byProperty = AppDirectories.resolve(
                properties("qcowdesk.config.dir", "/prop/config", "qcowdesk.runtime.dir", "/prop/run"), env);
        assertEquals(Path.of("/prop/config"), byProperty.config());
        assertEquals(Path.of("/prop/run/nbd.sock"), byProperty.runtime().nbdSocket());
    }
}
