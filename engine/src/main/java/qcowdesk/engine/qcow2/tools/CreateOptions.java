package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.nio.charset.StandardCharsets;

/**
 * What a new image looks like. Build from {@link #of(long)} and the {@code with...} methods; {@link #validate()}
 * names the first value that is out of range.
 *
 * @param virtualSize   guest-visible size in bytes; rounded up to a multiple of 512 like qemu-img does
 * @param clusterSize   a power of two from 512 B to 2 MiB
 * @param version       2 (qemu compat 0.10) or 3 (compat 1.1)
 * @param refcountBits  a power of two from 1 to 64 (version 2 only knows 16)
 * @param backingFile   backing file name as stored in the image (relative names resolve against the image's
 *                      directory), or null
 * @param backingFormat "qcow2" or "raw", or null to let readers probe
 * @param extendedL2    subclusters (version 3, clusters of 16 KiB and up)
 * @param lazyRefcounts version 3 compatible feature: refcounts may lag, the dirty bit covers them
 * @param compressionType how compressed clusters are compressed: 0 deflate (zlib, the default), 1 zstd (version 3)
 */
public record CreateOptions(long virtualSize, int clusterSize, int version, int refcountBits, String backingFile,
                            String backingFormat, boolean extendedL2, boolean lazyRefcounts, int compressionType) {

    public static final int MIN_CLUSTER_SIZE = 512;
    public static final int MAX_CLUSTER_SIZE = 2 * 1024 * 1024;
    public static final int COMPRESSION_ZLIB = 0;
    public static final int COMPRESSION_ZSTD = 1;
    /** Subclusters are cluster/32 and must be at least 512 bytes; qemu also requires 16 KiB clusters. */
    public static final int MIN_EXTENDED_L2_CLUSTER_SIZE = 16 * 1024;
    /** qemu refuses L1 tables above 32 MiB; so do we, which bounds the virtual size per cluster size. */
    public static final long MAX_L1_BYTES = 32L * 1024 * 1024;
    /** Keeps the backing file name (and the header) within the first cluster of the smallest cluster size. */
    public static final int MAX_BACKING_NAME_BYTES = 1023;

    /** qemu-img's defaults: 64 KiB clusters, version 3, 16-bit refcounts, no backing file. */
    public static CreateOptions of(long virtualSize) {
        return new CreateOptions(virtualSize, 65536, 3, 16, null, null, false, false, COMPRESSION_ZLIB);
    }

    public CreateOptions withClusterSize(int size) {
        return with(c -> c.clusterSize = size);
    }

    public CreateOptions withVersion(int v) {
        return with(c -> c.version = v);
    }

    public CreateOptions withRefcountBits(int bits) {
        return with(c -> c.refcountBits = bits);
    }

    public CreateOptions withBacking(String file, String format) {
        return with(c -> {
            c.backingFile = file;
            c.backingFormat = format;
        });
    }

    public CreateOptions withExtendedL2(boolean on) {
        return with(c -> c.extendedL2 = on);
    }

    public CreateOptions withLazyRefcounts(boolean on) {
        return with(c -> c.lazyRefcounts = on);
    }

    public CreateOptions withCompressionType(int type) {
        return with(c -> c.compressionType = type);
    }

    /** The same options for an image of another virtual size. */
    public CreateOptions withVirtualSize(long size) {
        return with(c -> c.virtualSize = size);
    }

    /** A copy with some fields changed: the full constructor is spelled out only in {@link Change#build}. */
    private CreateOptions with(java.util.function.Consumer<Change> change) {
        Change c = new Change(this);
        change.accept(c);
        return c.build();
    }

    /** The fields of options being changed. */
    private static final class Change {
        long virtualSize;
        int clusterSize;
        int version;
        int refcountBits;
        String backingFile;
        String backingFormat;
        boolean extendedL2;
        boolean lazyRefcounts;
        int compressionType;

        Change(CreateOptions from) {
            virtualSize = from.virtualSize;
            clusterSize = from.clusterSize;
            version = from.version;
            refcountBits = from.refcountBits;
            backingFile = from.backingFile;
            backingFormat = from.backingFormat;
            extendedL2 = from.extendedL2;
            lazyRefcounts = from.lazyRefcounts;
            compressionType = from.compressionType;
        }

        CreateOptions build() {
            return new CreateOptions(virtualSize, clusterSize, version, refcountBits, backingFile, backingFormat,
                    extendedL2, lazyRefcounts, compressionType);
        }
    }

    /** The name qemu-img gives the compression type: zlib or zstd. */
    public String compressionTypeName() {
        return compressionType == COMPRESSION_ZSTD ? "zstd" : "zlib";
    }

    /** The size the image will have: {@link #virtualSize} rounded up to whole 512-byte sectors. */
    public long roundedVirtualSize() {
        return (virtualSize + 511) & ~511L;
    }

    public int clusterBits() {
        return Integer.numberOfTrailingZeros(clusterSize);
    }

    public int refcountOrder() {
        return Integer.numberOfTrailingZeros(refcountBits);
    }

    /** Bytes of guest data one L2 table maps: entries per table (8 bytes each, 16 with extended L2) times clusters. */
    public long bytesPerL2Table() {
        int entryBytes = extendedL2 ? 16 : 8;
        return (long) (clusterSize / entryBytes) * clusterSize;
    }

    /** L1 entries needed to map the whole disk. */
    public long l1Entries() {
        return ceilDiv(roundedVirtualSize(), bytesPerL2Table());
    }

    /** Throws INVALID_ARGUMENT naming the first option that is out of range or inconsistent with another. */
    public void validate() throws EngineException {
        if (virtualSize <= 0) {
            throw invalid("virtual size must be positive, got " + virtualSize);
        }
        if (Integer.bitCount(clusterSize) != 1 || clusterSize < MIN_CLUSTER_SIZE || clusterSize > MAX_CLUSTER_SIZE) {
            throw invalid("cluster size must be a power of two from 512 to 2097152 bytes, got " + clusterSize);
        }
        if (version != 2 && version != 3) {
            throw invalid("version must be 2 or 3, got " + version);
        }
        if (Integer.bitCount(refcountBits) != 1 || refcountBits > 64) {
            throw invalid("refcount bits must be a power of two from 1 to 64, got " + refcountBits);
        }
        if (version == 2 && refcountBits != 16) {
            throw invalid("refcount bits other than 16 need version 3, got " + refcountBits + " with version 2");
        }
        if (extendedL2 && version == 2) {
            throw invalid("extended L2 entries need version 3");
        }
        if (extendedL2 && clusterSize < MIN_EXTENDED_L2_CLUSTER_SIZE) {
            throw invalid("extended L2 entries need a cluster size of at least 16384, got " + clusterSize);
        }
        if (lazyRefcounts && version == 2) {
            throw invalid("lazy refcounts need version 3");
        }
        if (compressionType != COMPRESSION_ZLIB && compressionType != COMPRESSION_ZSTD) {
            throw invalid("compression type must be zlib or zstd, got " + compressionType);
        }
        if (compressionType == COMPRESSION_ZSTD && version == 2) {
            throw invalid("compression type zstd needs version 3");
        }
        if (virtualSize > Long.MAX_VALUE - 511 || l1Entries() * 8 > MAX_L1_BYTES) {
            throw invalid("virtual size " + virtualSize + " is too large for cluster size " + clusterSize
                    + " (its L1 table would exceed " + MAX_L1_BYTES + " bytes)");
        }
        if (backingFile == null && backingFormat != null) {
            throw invalid("backing format '" + backingFormat + "' given without a backing file");
        }
        if (backingFile != null) {
            if (backingFile.isEmpty()) {
                throw invalid("backing file name is empty");
            }
            if (backingFile.getBytes(StandardCharsets.UTF_8).length > MAX_BACKING_NAME_BYTES) {
                throw invalid("backing file name is longer than " + MAX_BACKING_NAME_BYTES + " bytes");
            }
            if (backingFormat != null && !backingFormat.equals("qcow2") && !backingFormat.equals("raw")) {
                throw invalid("backing format must be qcow2 or raw, got '" + backingFormat + "'");
            }
        }
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static EngineException invalid(String message) {
        return new EngineException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
