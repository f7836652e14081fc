package qcowdesk.engine.qcow2.format;

import java.nio.ByteBuffer;

/**
 * Where each fixed field of the QCOW2 header lies (docs/interop/qcow2.txt, "Header"): byte offsets from the start
 * of the file, big-endian. {@link Qcow2Header} parses and encodes through these names only; the few fields that the
 * engine and the repair tool rewrite in place are written as a {@link Patch} built here.
 */
public final class HeaderLayout {

    public static final int MAGIC = 0;
    public static final int VERSION = 4;
    public static final int BACKING_FILE_OFFSET = 8;
    public static final int BACKING_FILE_SIZE = 16;
    public static final int CLUSTER_BITS = 20;
    public static final int SIZE = 24;
    public static final int CRYPT_METHOD = 32;
    public static final int L1_SIZE = 36;
    public static final int L1_TABLE_OFFSET = 40;
    public static final int REFCOUNT_TABLE_OFFSET = 48;
    public static final int REFCOUNT_TABLE_CLUSTERS = 56;
    public static final int NB_SNAPSHOTS = 60;
    public static final int SNAPSHOTS_OFFSET = 64;
    /** Version 3 only from here on. */
    public static final int INCOMPATIBLE_FEATURES = 72;
    public static final int COMPATIBLE_FEATURES = 80;
    public static final int AUTOCLEAR_FEATURES = 88;
    public static final int REFCOUNT_ORDER = 96;
    public static final int HEADER_LENGTH = 100;
    /** Present when header_length is above {@link #V3_MIN_LENGTH}. */
    public static final int COMPRESSION_TYPE = 104;

    /** The whole version 2 header. */
    public static final int V2_LENGTH = 72;
    /** The shortest version 3 header (up to and including header_length). */
    public static final int V3_MIN_LENGTH = 104;
    /** The version 3 header current QEMU writes: the compression type byte and its padding included. */
    public static final int V3_LENGTH = 112;
    /** A header extension's type and length words, before its payload. */
    public static final int EXTENSION_HEADER_LENGTH = 8;

    private HeaderLayout() {
    }

    /** Bytes to write at {@code offset} of the image file to change one or more adjacent header fields. */
    public record Patch(int offset, byte[] bytes) {
        public Patch {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes.clone());
        }
    }

    /** refcount_table_offset and refcount_table_clusters, adjacent, in one write (one sector: atomic). */
    public static Patch refcountTable(long offset, int clusters) {
        return new Patch(REFCOUNT_TABLE_OFFSET, ByteBuffer.allocate(12).putLong(offset).putInt(clusters).array());
    }

    /**
     * The fields that say which metadata generation is in force, from size to snapshots_offset (bytes 24..72, all
     * in the first sector): written as one patch, they switch an image from one complete set of L1, refcount and
     * snapshot tables to another in a single write. crypt_method, which lies between, is written unchanged.
     */
    public static Patch generation(long size, int cryptMethod, int l1Size, long l1TableOffset,
                                   long refcountTableOffset, int refcountTableClusters, int nbSnapshots,
                                   long snapshotsOffset) {
        return new Patch(SIZE, ByteBuffer.allocate(SNAPSHOTS_OFFSET + 8 - SIZE).putLong(size).putInt(cryptMethod)
                .putInt(l1Size).putLong(l1TableOffset).putLong(refcountTableOffset).putInt(refcountTableClusters)
                .putInt(nbSnapshots).putLong(snapshotsOffset).array());
    }

    public static Patch size(long bytes) {
        return new Patch(SIZE, ByteBuffer.allocate(8).putLong(bytes).array());
    }

    public static Patch l1Size(int entries) {
        return new Patch(L1_SIZE, ByteBuffer.allocate(4).putInt(entries).array());
    }

    public static Patch incompatibleFeatures(long bits) {
        return new Patch(INCOMPATIBLE_FEATURES, ByteBuffer.allocate(8).putLong(bits).array());
    }

    public static Patch autoclearFeatures(long bits) {
        return new Patch(AUTOCLEAR_FEATURES, ByteBuffer.allocate(8).putLong(bits).array());
    }
}
