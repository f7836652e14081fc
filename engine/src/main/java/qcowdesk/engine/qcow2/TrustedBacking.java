package qcowdesk.engine.qcow2;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The backing image of an overlay this program made itself, given directly instead of read from the overlay's
 * header (see {@link Qcow2Image#openOverlay}).
 *
 * @param path    the backing QCOW2 image
 * @param options how to open it; always read-only (an overlay never writes its backing file), and its external
 *                files consent is the user's for that image
 */
public record TrustedBacking(Path path, OpenOptions options) {

    public TrustedBacking {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        if (!options.isReadOnly()) {
            throw new IllegalArgumentException("a backing image is opened read-only");
        }
    }
}
