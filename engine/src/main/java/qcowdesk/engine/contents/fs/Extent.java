package qcowdesk.engine.contents.fs;

/**
 * A run of a file's bytes stored contiguously on the volume.
 *
 * @param fileOffset   byte offset in the file
 * @param volumeOffset byte offset on the volume (partition)
 * @param length       bytes
 */
public record Extent(long fileOffset, long volumeOffset, long length) {
}
