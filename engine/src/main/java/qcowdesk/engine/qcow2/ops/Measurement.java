package qcowdesk.engine.qcow2.ops;

/**
 * What {@code qemu-img measure} reports: bytes a new image needs for the input's data ({@code required}) and
 * when every cluster is allocated ({@code fullyAllocated}); {@code bitmaps} is the room for the input's persistent
 * dirty bitmaps, null when qemu-img leaves the line out (a raw or version 2 side).
 */
public record Measurement(long required, long fullyAllocated, Long bitmaps) {
}
