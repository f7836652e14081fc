package qcowdesk.app;

/** Byte counts as people read them. */
public final class Sizes {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Sizes() {
    }

    /** e.g. 1073741824 → "1 GiB", 1536 → "1.5 KiB". */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        double value = bytes / (double) (1L << (unit * 10));
        String number = value == Math.rint(value) ? String.valueOf((long) value) : String.format("%.1f", value);
        return number + " " + UNITS[unit];
    }
}
