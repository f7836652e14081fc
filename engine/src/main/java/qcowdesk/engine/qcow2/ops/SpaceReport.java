package qcowdesk.engine.qcow2.ops;

/**
 * Where an image's space goes ({@code qcowctl info --space}, the app's space bar). Guest figures are bytes of the
 * virtual disk, file figures bytes of the image file.
 *
 * @param virtualSize       the disk's size
 * @param fileSize          the image file's size
 * @param guestAllocated    guest bytes this image stores data for (not zero clusters, not the backing file's)
 * @param zeroData          file bytes in data clusters that hold only zeros (what compact frees)
 * @param data              file bytes in data clusters, compressed ones included
 * @param metadata          file bytes of header, L1/L2 tables, refcount table and blocks, snapshot table, bitmaps
 * @param leaked            file bytes with a refcount but referenced by nothing
 * @param free              file bytes with refcount zero below the end of the file
 * @param snapshotsOnly     file bytes of uncompressed data clusters that only internal snapshots reference
 * @param backingChain      guest bytes the backing chain provides
 */
public record SpaceReport(long virtualSize, long fileSize, long guestAllocated, long zeroData, long data,
                          long metadata, long leaked, long free, long snapshotsOnly, long backingChain) {
}
