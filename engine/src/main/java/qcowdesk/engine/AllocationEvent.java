package qcowdesk.engine;

/**
 * A range of guest clusters that just became allocated (or deallocated) in the image file.
 *
 * @param guestOffset first guest byte of the affected clusters (cluster aligned)
 * @param length      bytes covered (a multiple of the cluster size, except at the disk's end)
 * @param allocated   true when clusters were allocated, false when they were freed
 * @param fileSize    the image file's size after the change, in bytes
 */
public record AllocationEvent(long guestOffset, long length, boolean allocated, long fileSize) {
}
