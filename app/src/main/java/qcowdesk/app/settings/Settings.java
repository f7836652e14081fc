package qcowdesk.app.settings;

import java.util.List;

/**
 * What the app remembers across restarts, kept beside the library: the theme, the window's place and size, the
 * divider positions, the last tab, and who should own devices when the app quits with some attached.
 *
 * @param window             null until the window was first closed
 * @param dividers           the library|tabs and tabs|devices split positions (0..1), empty for the defaults
 * @param tab                index of the image tab shown last
 * @param backgroundOwner    true: devices stay attached in a background {@code qcowctl daemon} when the app quits
 */
public record Settings(boolean darkTheme, WindowBounds window, List<Double> dividers, int tab, boolean backgroundOwner) {

    /** Where the window was and how large; {@code maximized} wins over the size when set. */
    public record WindowBounds(double x, double y, double width, double height, boolean maximized) {
    }

    public static final Settings DEFAULTS = new Settings(false, null, List.of(), 0, false);

    public Settings {
        dividers = dividers == null ? List.of() : List.copyOf(dividers);
        tab = Math.max(0, tab);
    }

    public Settings withDarkTheme(boolean dark) {
        return new Settings(dark, window, dividers, tab, backgroundOwner);
    }

    public Settings withWindow(WindowBounds bounds) {
        return new Settings(darkTheme, bounds, dividers, tab, backgroundOwner);
    }

    public Settings withDividers(List<Double> positions) {
        return new Settings(darkTheme, window, positions, tab, backgroundOwner);
    }

    public Settings withTab(int index) {
        return new Settings(darkTheme, window, dividers, index, backgroundOwner);
    }

    public Settings withBackgroundOwner(boolean background) {
        return new Settings(darkTheme, window, dividers, tab, background);
    }
}
