package qcowdesk.app.settings;

import qcowdesk.bridge.RuntimeDirectory;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Where the app keeps its state: the config directory (library.json) and the runtime directory (sockets).
 * Each is taken from a system property first, then the environment, then the XDG defaults. The system
 * properties exist because a test cannot change its own process environment.
 *
 * @param config  holds library.json
 * @param runtime holds the NBD and control sockets of the device owner
 */
public record AppDirectories(Path config, RuntimeDirectory runtime) {

    public static final String CONFIG_PROPERTY = "qcowdesk.config.dir";
    public static final String RUNTIME_PROPERTY = "qcowdesk.runtime.dir";
    public static final String CONFIG_ENV = "QCOWDESK_CONFIG_DIR";
    public static final String RUNTIME_ENV = "QCOWDESK_RUNTIME_DIR";

    public static AppDirectories fromEnvironment() {
        return resolve(System.getProperties(), System.getenv());
    }

    static AppDirectories resolve(Properties properties, Map<String, String> env) {
        return new AppDirectories(configDir(properties, env), runtimeDir(properties, env));
    }

    private static Path configDir(Properties properties, Map<String, String> env) {
        String explicit = firstSet(properties.getProperty(CONFIG_PROPERTY), env.get(CONFIG_ENV));
        if (explicit != null) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "qcowdesk");
        }
        return Path.of(properties.getProperty("user.home"), ".config", "qcowdesk");
    }

    private static RuntimeDirectory runtimeDir(Properties properties, Map<String, String> env) {
        String explicit = properties.getProperty(RUNTIME_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return new RuntimeDirectory(Path.of(explicit));
        }
        return RuntimeDirectory.forCurrentUser();
    }

    private static String firstSet(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return null;
    }
}
