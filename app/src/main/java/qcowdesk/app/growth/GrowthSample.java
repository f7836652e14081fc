package qcowdesk.app.growth;

/**
 * One point of the growth chart.
 *
 * @param seconds           time since sampling started
 * @param fileSize          the image file's size in bytes
 * @param allocatedClusters guest clusters stored in the image file (data and compressed)
 */
public record GrowthSample(double seconds, long fileSize, long allocatedClusters) {
}
