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
 * @param excludeWriters lock it as QEMU locks a backing file: readers welcome, no writer in any process while the
 *                overlay is open (its guest view would change under it)
 */
public record TrustedBacking(Path path, OpenOptions options, boolean excludeWriters) {

    public TrustedBacking(Path path, OpenOptions options) {
        this(path, options, false);
    }

    public TrustedBacking {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        if (!options.isReadOnly()) {
            throw new IllegalArgumentException("a backing image is opened read-only");
        }
    }
}
