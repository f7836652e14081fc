package qcowdesk.engine.qcow2.tools;

import java.io.IOException;

/** What {@link MetadataWalker} reports while it follows an image's metadata. */
interface MetadataVisitor {

    /** The host byte range {@code [offset, offset+length)} is used as {@code kind}. */
    void referenced(long offset, long length, HostClusterKind kind);

    /**
     * A guest cluster of the active L1 table that holds host data (for check statistics).
     *
     * @param l2TableOffset the L2 table holding its entry
     * @param hostOffset    the host cluster, or the compressed data's offset
     */
    default void guestCluster(long l2TableOffset, long hostOffset, boolean compressed) {
    }

    /**
     * An entry that qemu-img check counts as a corruption on its own (reserved bits, misalignment, ...).
     */
    default void corruption(String message) {
    }

    /** The L1 entry at {@code l1Index} of the active table, for the COPIED flag check. */
    default void activeL1Entry(int l1Index, long entry) throws IOException {
    }

    /** A standard L2 entry of the active table with a host cluster, for the COPIED flag check. */
    default void activeL2Entry(long l2TableOffset, int index, long entry) throws IOException {
    }
}
