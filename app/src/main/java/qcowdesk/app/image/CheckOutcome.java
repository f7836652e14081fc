package qcowdesk.app.image;

/**
 * The result of a consistency check (or of a repair of leaks), with the counts {@code qemu-img check} reports.
 *
 * @param corruptions  errors that make data unreliable
 * @param leaks        clusters marked used but referenced by nothing (repairable, harmless to data)
 * @param checkErrors  errors that stopped the check from looking everywhere
 * @param leaksFixed   leaks repaired by this run (0 unless repair was asked)
 */
public record CheckOutcome(long corruptions, long leaks, long checkErrors, long leaksFixed, long imageEndOffset) {

    public boolean clean() {
        return corruptions == 0 && leaks == 0 && checkErrors == 0;
    }

    public boolean repairable() {
        return leaks > 0;
    }

    /** One line a user understands. */
    public String summary() {
        if (clean()) {
            return leaksFixed > 0
                    ? "Repaired " + counted(leaksFixed, "leaked cluster") + "; no errors remain."
                    : "No errors were found on the image.";
        }
        StringBuilder text = new StringBuilder();
        append(text, corruptions, "corruption");
        append(text, leaks, "leaked cluster");
        append(text, checkErrors, "check error");
        return text + " found.";
    }

    private static void append(StringBuilder text, long count, String noun) {
        if (count == 0) {
            return;
        }
        if (!text.isEmpty()) {
            text.append(", ");
        }
        text.append(counted(count, noun));
    }

    private static String counted(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
