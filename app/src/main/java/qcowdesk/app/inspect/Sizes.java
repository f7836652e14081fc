package qcowdesk.app.inspect;

import java.util.Locale;

/** How the inspection views print byte counts and offsets. */
public final class Sizes {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Sizes() {
    }

    /** "1.5 GiB", "512 B". */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        double value = bytes / (double) (1L << (unit * 10));
        return String.format(Locale.ROOT, value >= 100 ? "%.0f %s" : "%.1f %s", value, UNITS[unit]);
    }

    /** "0x1f000". */
    public static String hex(long offset) {
        return "0x" + Long.toHexString(offset);
    }
}
