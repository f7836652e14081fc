package qcowdesk.engine.device;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * What becomes of a temporary device's writes when it is detached.
 *
 * @param kind   discard them (the default), keep them as a new image file, or commit them into the image
 * @param keepAs for {@link Kind#KEEP}, the new image file (absolute); null otherwise
 */
public record TemporaryWrites(Kind kind, Path keepAs) {

    public enum Kind {
        DISCARD, KEEP, COMMIT;

        /** The word used on the control socket and the command line. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TemporaryWrites {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.KEEP) != (keepAs != null)) {
            throw new IllegalArgumentException("a file is named exactly when the writes are kept");
        }
        if (keepAs != null && !keepAs.isAbsolute()) {
            throw new IllegalArgumentException("the file to keep the writes in must be absolute: " + keepAs);
        }
    }

    public static TemporaryWrites discard() {
        return new TemporaryWrites(Kind.DISCARD, null);
    }

    public static TemporaryWrites keep(Path file) {
        return new TemporaryWrites(Kind.KEEP, file);
    }

    public static TemporaryWrites commit() {
        return new TemporaryWrites(Kind.COMMIT, null);
    }

    /** What happened, in a sentence for the user. */
    public String outcome(String image) {
        return switch (kind) {
            case DISCARD -> "temporary writes discarded; " + image + " is unchanged";
            case KEEP -> "temporary writes kept in " + keepAs + " (an overlay backed by " + image + ")";
            case COMMIT -> "temporary writes committed into " + image;
        };
    }
}
