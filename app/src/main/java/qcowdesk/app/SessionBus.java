package qcowdesk.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Without a D-Bus session bus, GTK (which JavaFX draws its file choosers with) prints a dconf warning for every
 * setting it saves, many per dialog. Those lines come from GTK, outside our code, and cannot be silenced from
 * inside the JVM (GTK reads GSETTINGS_BACKEND from the process environment, which Java cannot change): the
 * {@code qcowdesk} command sets it before starting the app; started any other way, the app says once, at start,
 * what is missing and how to quiet them.
 */
final class SessionBus {

    private SessionBus() {
    }

    /** The one line to print, or empty when a session bus is reachable or GSettings is told not to use dconf. */
    static Optional<String> missing(Map<String, String> env) {
        if (env.containsKey("DBUS_SESSION_BUS_ADDRESS") || "memory".equals(env.get("GSETTINGS_BACKEND"))) {
            return Optional.empty();
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && Files.exists(Path.of(runtime, "bus"))) {
            return Optional.empty();
        }
        return Optional.of("qcowdesk: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset): GTK's file choosers "
                + "will print dconf warnings; start the app inside a desktop session, or with GSETTINGS_BACKEND=memory "
                + "to quiet them");
    }
}
