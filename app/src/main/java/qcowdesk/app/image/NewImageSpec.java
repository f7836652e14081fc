package qcowdesk.app.image;

import java.nio.file.Path;

/**
 * What the New image dialog asks for.
 *
 * @param backingFile null for a standalone image
 */
public record NewImageSpec(Path path, long virtualSize, int clusterSize, int version, String backingFile) {
}
