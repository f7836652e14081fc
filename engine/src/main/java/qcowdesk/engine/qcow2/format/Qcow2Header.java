package qcowdesk.engine.qcow2.format;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The QCOW2 header (first cluster of the file): fixed fields, header extensions and the backing file name.
 * {@link #parse} validates every field before anything else uses it; {@link #encode} writes it back with unknown
 * extensions and unknown trailing header fields preserved. Field positions come from {@link HeaderLayout} only.
 *
 * <p>Field names follow docs/interop/qcow2.txt. All numbers are stored big-endian on disk.
 */
public record Qcow2Header(
        int version,
        long backingFileOffset,
        int backingFileSize,
        int clusterBits,
        long size,
        int cryptMethod,
        int l1Size,
        long l1TableOffset,
        long refcountTableOffset,
        int refcountTableClusters,
        int nbSnapshots,
        long snapshotsOffset,
        long incompatibleFeatures,
        long compatibleFeatures,
        long autoclearFeatures,
        int refcountOrder,
        int headerLength,
        int compressionType,
        byte[] unknownHeaderFields,
        List<HeaderExtension> extensions,
        String backingFile) {

    public static final int MAGIC = 0x514649fb; // "QFI\xfb"
    public static final int V2_HEADER_LENGTH = HeaderLayout.V2_LENGTH;
    public static final int V3_MIN_HEADER_LENGTH = HeaderLayout.V3_MIN_LENGTH;
    /** v3 header length written by current QEMU: includes the compression type byte and padding. */
    public static final int V3_HEADER_LENGTH = HeaderLayout.V3_LENGTH;
    public static final int MIN_CLUSTER_BITS = 9;
    public static final int MAX_CLUSTER_BITS = 21;
    public static final int MAX_REFCOUNT_ORDER = 6;
    public static final int MAX_BACKING_FILE_NAME = 1023;
    /** Memory budget for the L1 table (QEMU's QCOW_MAX_L1_SIZE). */
    public static final long MAX_L1_BYTES = 32L << 20;
    /** Memory budget for the refcount table (QEMU's QCOW_MAX_REFTABLE_SIZE). */
    public static final long MAX_REFTABLE_BYTES = 8L << 20;
    public static final int MAX_SNAPSHOTS = 65536;

    public static final long INCOMPAT_DIRTY = 1L;
    public static final long INCOMPAT_CORRUPT = 1L << 1;
    public static final long INCOMPAT_DATA_FILE = 1L << 2;
    public static final long INCOMPAT_COMPRESSION = 1L << 3;
    public static final long INCOMPAT_EXTENDED_L2 = 1L << 4;
    public static final long INCOMPAT_KNOWN = 0x1fL;
    public static final long COMPAT_LAZY_REFCOUNTS = 1L;
    public static final long AUTOCLEAR_BITMAPS = 1L;
    public static final long AUTOCLEAR_DATA_FILE_RAW = 1L << 1;

    public static final int COMPRESSION_DEFLATE = 0;
    public static final int COMPRESSION_ZSTD = 1;

    public Qcow2Header {
        unknownHeaderFields = unknownHeaderFields == null ? new byte[0] : unknownHeaderFields.clone();
        extensions = List.copyOf(extensions);
    }

    // ----- derived values -------------------------------------------------------------------------------------

    public int clusterSize() {
        return 1 << clusterBits;
    }

    public int refcountBits() {
        return 1 << refcountOrder;
    }

    public boolean isDirty() {
        return (incompatibleFeatures & INCOMPAT_DIRTY) != 0;
    }

    public boolean isCorrupt() {
        return (incompatibleFeatures & INCOMPAT_CORRUPT) != 0;
    }

    public boolean hasExternalDataFile() {
        return (incompatibleFeatures & INCOMPAT_DATA_FILE) != 0;
    }

    public boolean hasExtendedL2() {
        return (incompatibleFeatures & INCOMPAT_EXTENDED_L2) != 0;
    }

    public boolean lazyRefcounts() {
        return (compatibleFeatures & COMPAT_LAZY_REFCOUNTS) != 0;
    }

    public boolean dataFileRaw() {
        return (autoclearFeatures & AUTOCLEAR_DATA_FILE_RAW) != 0;
    }

    public boolean hasBackingFile() {
        return backingFile != null && !backingFile.isEmpty();
    }

    /** Size of one L2 entry in bytes: 8, or 16 with extended L2 (entry plus subcluster bitmap). */
    public int l2EntrySize() {
        return hasExtendedL2() ? 16 : 8;
    }

    /** Number of entries in one L2 table. */
    public int l2Entries() {
        return clusterSize() / l2EntrySize();
    }

    /** Guest bytes covered by one L1 entry (one L2 table). */
    public long bytesPerL2Table() {
        return (long) l2Entries() << clusterBits;
    }

    /** L1 entries the virtual size needs. */
    public long neededL1Entries() {
        return ceilDiv(size, bytesPerL2Table());
    }

    /** Number of refcount entries in one refcount block. */
    public long refcountBlockEntries() {
        return ((long) clusterSize() * 8) >> refcountOrder;
    }

    public Optional<String> backingFormat() {
        return extension(HeaderExtensionType.BACKING_FORMAT).map(HeaderExtension::asString);
    }

    public Optional<String> dataFile() {
        return extension(HeaderExtensionType.EXTERNAL_DATA_FILE).map(HeaderExtension::asString);
    }

    public Optional<HeaderExtension> extension(HeaderExtensionType type) {
        return Optional.ofNullable(first(extensions, type));
    }

    /**
     * The first extension of {@code type}, or null. A loop, not a stream: every image open asks, and a stream's
     * findFirst links JDK lambdas that the class-data archive cannot hold (generated at each start).
     */
    private static HeaderExtension first(List<HeaderExtension> extensions, HeaderExtensionType type) {
        for (HeaderExtension extension : extensions) {
            if (extension.is(type)) {
                return extension;
            }
        }
        return null;
    }

    /** Feature names from the feature name table extension (empty when the image has none). */
    public List<FeatureName> featureNames() {
        return extension(HeaderExtensionType.FEATURE_NAME_TABLE).map(e -> FeatureName.readTable(e.data()))
                .orElse(List.of());
    }

    /**
     * The header of a new, empty image (no snapshots, no encryption, deflate compression). Encode it with
     * {@link #encode()}, which places the extensions and the backing file name.
     */
    public static Qcow2Header forNewImage(int version, int clusterBits, long size, int l1Size, long l1TableOffset,
                                          long refcountTableOffset, int refcountTableClusters,
                                          long incompatibleFeatures, long compatibleFeatures, int refcountOrder,
                                          List<HeaderExtension> extensions, String backingFile) {
        return new Qcow2Header(version, 0, 0, clusterBits, size, 0, l1Size, l1TableOffset, refcountTableOffset,
                refcountTableClusters, 0, 0, version == 3 ? incompatibleFeatures : 0,
                version == 3 ? compatibleFeatures : 0, 0, version == 3 ? refcountOrder : 4,
                version == 3 ? V3_HEADER_LENGTH : V2_HEADER_LENGTH, COMPRESSION_DEFLATE, null, extensions,
                backingFile);
    }

    /** The same header with compressed clusters compressed by {@code type}; zstd also sets its incompatible bit. */
    public Qcow2Header withCompressionType(int type) {
        long incompatible = type == COMPRESSION_DEFLATE ? incompatibleFeatures & ~INCOMPAT_COMPRESSION
                : incompatibleFeatures | INCOMPAT_COMPRESSION;
        return new Qcow2Header(version, backingFileOffset, backingFileSize, clusterBits, size, cryptMethod, l1Size,
                l1TableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset, incompatible,
                compatibleFeatures, autoclearFeatures, refcountOrder, headerLength, type,
                unknownHeaderFields, extensions, backingFile);
    }

    /**
     * The same header with another backing file (null: none) and backing format extension (null: none); the other
     * extensions are kept in their order. Encode it to get the new backing file offset.
     */
    public Qcow2Header withBackingFile(String name, String format) {
        List<HeaderExtension> kept = new ArrayList<>();
        if (name != null && format != null) {
            kept.add(HeaderExtension.ofString(HeaderExtensionType.BACKING_FORMAT, format));
        }
        for (HeaderExtension e : extensions) {
            if (e.type() != HeaderExtensionType.BACKING_FORMAT.magic()) {
                kept.add(e);
            }
        }
        return new Qcow2Header(version, 0, 0, clusterBits, size, cryptMethod, l1Size, l1TableOffset,
                refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset, incompatibleFeatures,
                compatibleFeatures, autoclearFeatures, refcountOrder, headerLength, compressionType,
                unknownHeaderFields, kept, name);
    }

    /**
     * The header as the guest of an internal snapshot sees it: the snapshot's L1 table and disk size in place of
     * the active ones (for read-only opens of the snapshot). The values come from the snapshot table, so they are
     * validated like the header's own.
     */
    public Qcow2Header withSnapshotView(long snapshotL1Offset, long snapshotL1Size, long diskSize, long fileSize)
            throws EngineException {
        if (snapshotL1Offset <= 0 || (snapshotL1Offset & (clusterSize() - 1)) != 0
                || snapshotL1Size * 8 > MAX_L1_BYTES || snapshotL1Offset > fileSize - snapshotL1Size * 8) {
            throw invalid("the snapshot's L1 table (offset 0x%x, %d entries) is out of range", snapshotL1Offset,
                    snapshotL1Size);
        }
        Qcow2Header view = new Qcow2Header(version, backingFileOffset, backingFileSize, clusterBits, diskSize,
                cryptMethod, (int) snapshotL1Size, snapshotL1Offset, refcountTableOffset, refcountTableClusters,
                nbSnapshots, snapshotsOffset, incompatibleFeatures, compatibleFeatures, autoclearFeatures,
                refcountOrder, headerLength, compressionType, unknownHeaderFields, extensions, backingFile);
        if (view.neededL1Entries() > snapshotL1Size) {
            throw invalid("the snapshot's L1 table of %d entries is too small for its disk size %d",
                    snapshotL1Size, diskSize);
        }
        return view;
    }

    /** The header with another active L1 table and virtual size (a new metadata generation, before it is written). */
    public Qcow2Header withActiveL1(long diskSize, int entries, long tableOffset) {
        return new Qcow2Header(version, backingFileOffset, backingFileSize, clusterBits, diskSize, cryptMethod,
                entries, tableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset,
                incompatibleFeatures, compatibleFeatures, autoclearFeatures, refcountOrder, headerLength,
                compressionType, unknownHeaderFields, extensions, backingFile);
    }

    public Qcow2Header withSnapshots(int count, long tableOffset) {
        return new Qcow2Header(version, backingFileOffset, backingFileSize, clusterBits, size, cryptMethod, l1Size,
                l1TableOffset, refcountTableOffset, refcountTableClusters, count, tableOffset, incompatibleFeatures,
                compatibleFeatures, autoclearFeatures, refcountOrder, headerLength, compressionType,
                unknownHeaderFields, extensions, backingFile);
    }

    public Qcow2Header withIncompatibleFeatures(long bits) {
        return new Qcow2Header(version, backingFileOffset, backingFileSize, clusterBits, size, cryptMethod, l1Size,
                l1TableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset, bits,
                compatibleFeatures, autoclearFeatures, refcountOrder, headerLength, compressionType,
                unknownHeaderFields, extensions, backingFile);
    }

    public Qcow2Header withAutoclearFeatures(long bits) {
        return new Qcow2Header(version, backingFileOffset, backingFileSize, clusterBits, size, cryptMethod, l1Size,
                l1TableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset,
                incompatibleFeatures, compatibleFeatures, bits, refcountOrder, headerLength, compressionType,
                unknownHeaderFields, extensions, backingFile);
    }

    public Qcow2Header withRefcountTable(long offset, int clusters) {
        return new Qcow2Header(version, backingFileOffset, backingFileSize, clusterBits, size, cryptMethod, l1Size,
                l1TableOffset, offset, clusters, nbSnapshots, snapshotsOffset, incompatibleFeatures,
                compatibleFeatures, autoclearFeatures, refcountOrder, headerLength, compressionType,
                unknownHeaderFields, extensions, backingFile);
    }

    // ----- reading --------------------------------------------------------------------------------------------

    /**
     * Parses and validates a header from the first bytes of an image (at least the first cluster, or the whole file
     * when it is shorter). {@code fileSize} is the size of the whole image file, for the range checks.
     */
    public static Qcow2Header parse(ByteBuffer firstCluster, long fileSize) throws EngineException {
        ByteBuffer b = firstCluster.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
        int available = b.remaining();
        int base = b.position();
        if (available < V2_HEADER_LENGTH) {
            if (available >= 4 && b.getInt(base + HeaderLayout.MAGIC) != MAGIC) {
                throw invalid("not a QCOW2 image: bad magic 0x%08x (expected 0x%08x)", b.getInt(base + HeaderLayout.MAGIC), MAGIC);
            }
            throw invalid("file is too short to be a QCOW2 image (%d bytes)", fileSize);
        }
        int magic = b.getInt(base + HeaderLayout.MAGIC);
        if (magic != MAGIC) {
            throw invalid("not a QCOW2 image: bad magic 0x%08x (expected 0x%08x)", magic, MAGIC);
        }
        int version = b.getInt(base + HeaderLayout.VERSION);
        if (version != 2 && version != 3) {
            throw unsupported("unsupported QCOW2 version %d (only 2 and 3 are supported)",
                    Integer.toUnsignedLong(version));
        }
        long backingFileOffset = b.getLong(base + HeaderLayout.BACKING_FILE_OFFSET);
        int backingFileSize = b.getInt(base + HeaderLayout.BACKING_FILE_SIZE);
        int clusterBits = b.getInt(base + HeaderLayout.CLUSTER_BITS);
        if (clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) {
            throw invalid("cluster_bits %d is out of range (%d..%d)", Integer.toUnsignedLong(clusterBits),
                    MIN_CLUSTER_BITS, MAX_CLUSTER_BITS);
        }
        int clusterSize = 1 << clusterBits;
        long size = b.getLong(base + HeaderLayout.SIZE);
        int cryptMethod = b.getInt(base + HeaderLayout.CRYPT_METHOD);
        int l1Size = b.getInt(base + HeaderLayout.L1_SIZE);
        long l1TableOffset = b.getLong(base + HeaderLayout.L1_TABLE_OFFSET);
        long refcountTableOffset = b.getLong(base + HeaderLayout.REFCOUNT_TABLE_OFFSET);
        int refcountTableClusters = b.getInt(base + HeaderLayout.REFCOUNT_TABLE_CLUSTERS);
        int nbSnapshots = b.getInt(base + HeaderLayout.NB_SNAPSHOTS);
        long snapshotsOffset = b.getLong(base + HeaderLayout.SNAPSHOTS_OFFSET);

        long incompatible = 0;
        long compatible = 0;
        long autoclear = 0;
        int refcountOrder = 4;
        int headerLength = V2_HEADER_LENGTH;
        int compressionType = COMPRESSION_DEFLATE;
        byte[] unknownFields = new byte[0];
        if (version == 3) {
            if (available < V3_MIN_HEADER_LENGTH) {
                throw invalid("file is too short for a version 3 header (%d bytes)", fileSize);
            }
            incompatible = b.getLong(base + HeaderLayout.INCOMPATIBLE_FEATURES);
            compatible = b.getLong(base + HeaderLayout.COMPATIBLE_FEATURES);
            autoclear = b.getLong(base + HeaderLayout.AUTOCLEAR_FEATURES);
            refcountOrder = b.getInt(base + HeaderLayout.REFCOUNT_ORDER);
            headerLength = b.getInt(base + HeaderLayout.HEADER_LENGTH);
            if (Integer.toUnsignedLong(headerLength) < V3_MIN_HEADER_LENGTH) {
                throw invalid("header_length %d is too small (a version 3 header needs at least %d)",
                        Integer.toUnsignedLong(headerLength), V3_MIN_HEADER_LENGTH);
            }
            if (Integer.toUnsignedLong(headerLength) > clusterSize) {
                throw invalid("header_length %d exceeds the cluster size %d", Integer.toUnsignedLong(headerLength),
                        clusterSize);
            }
            if (headerLength % 8 != 0) {
                throw invalid("header_length %d is not a multiple of 8", headerLength);
            }
            if (headerLength > available) {
                throw invalid("header_length %d is past the end of the file (%d bytes)", headerLength, fileSize);
            }
            if (headerLength > V3_MIN_HEADER_LENGTH) {
                compressionType = b.get(base + HeaderLayout.COMPRESSION_TYPE) & 0xff;
            }
            if (headerLength > V3_HEADER_LENGTH) {
                unknownFields = new byte[headerLength - V3_HEADER_LENGTH];
                b.get(base + V3_HEADER_LENGTH, unknownFields);
            }
        }

        if (cryptMethod != 0) {
            throw unsupported("encrypted images are not supported (crypt_method %d)",
                    Integer.toUnsignedLong(cryptMethod));
        }
        if (Integer.toUnsignedLong(refcountOrder) > MAX_REFCOUNT_ORDER) {
            throw invalid("refcount_order %d is out of range (0..%d)", Integer.toUnsignedLong(refcountOrder),
                    MAX_REFCOUNT_ORDER);
        }
        List<HeaderExtension> extensions = parseExtensions(b, base, headerLength,
                Math.min(available, clusterSize));
        if (first(extensions, HeaderExtensionType.FULL_DISK_ENCRYPTION) != null) {
            throw unsupported("encrypted images are not supported (full disk encryption header extension)");
        }
        long unknownIncompatible = incompatible & ~INCOMPAT_KNOWN;
        if (unknownIncompatible != 0) {
            throw unsupported("unsupported incompatible feature bits 0x%x%s", unknownIncompatible,
                    describeFeatures(extensions, unknownIncompatible));
        }
        if (compressionType != COMPRESSION_DEFLATE && compressionType != COMPRESSION_ZSTD) {
            throw unsupported("unsupported compression_type %d (0 deflate and 1 zstd are supported)",
                    compressionType);
        }
        if (compressionType != COMPRESSION_DEFLATE && (incompatible & INCOMPAT_COMPRESSION) == 0) {
            throw invalid("compression_type %d is set but the compression type incompatible bit is not",
                    compressionType);
        }
        if (compressionType == COMPRESSION_DEFLATE && (incompatible & INCOMPAT_COMPRESSION) != 0) {
            throw invalid("the compression type incompatible bit is set but compression_type is 0 (deflate)");
        }
        if ((incompatible & INCOMPAT_DATA_FILE) != 0
                && first(extensions, HeaderExtensionType.EXTERNAL_DATA_FILE) == null) {
            throw unsupported("the image uses an external data file but names none (no data_file header extension)");
        }
        if ((incompatible & INCOMPAT_EXTENDED_L2) != 0 && clusterBits < 14) {
            throw invalid("extended L2 entries need a cluster size of at least 16384 (cluster_bits %d)",
                    clusterBits);
        }

        if (size < 0) {
            throw invalid("size %s is out of range", Long.toUnsignedString(size));
        }
        Qcow2Header partial = new Qcow2Header(version, backingFileOffset, backingFileSize, clusterBits, size,
                cryptMethod, l1Size, l1TableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots,
                snapshotsOffset, incompatible, compatible, autoclear, refcountOrder, headerLength, compressionType,
                unknownFields, extensions, null);
        partial.validateTables(fileSize);
        String backingFile = parseBackingFile(b, base, backingFileOffset, backingFileSize,
                Math.min(available, clusterSize), fileSize);
        return new Qcow2Header(version, backingFileOffset, backingFileSize, clusterBits, size, cryptMethod, l1Size,
                l1TableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset,
                incompatible, compatible, autoclear, refcountOrder, headerLength, compressionType, unknownFields,
                extensions, backingFile);
    }

    private void validateTables(long fileSize) throws EngineException {
        int clusterSize = clusterSize();
        long l1Entries = Integer.toUnsignedLong(l1Size);
        long needed = neededL1Entries();
        if (needed * 8 > MAX_L1_BYTES) {
            throw unsupported("size %d needs an L1 table of %d entries, more than the limit of %d", size, needed,
                    MAX_L1_BYTES / 8);
        }
        if (l1Entries * 8 > MAX_L1_BYTES) {
            throw invalid("l1_size %d exceeds the L1 table limit of %d entries", l1Entries, MAX_L1_BYTES / 8);
        }
        if (l1Entries < needed) {
            throw invalid("l1_size %d is too small for the virtual size %d (needs %d entries)", l1Entries, size,
                    needed);
        }
        // QEMU never makes an L1 table bigger than the size needs, beyond rounding up to whole clusters.
        long slack = ceilDiv(needed * 8, clusterSize) * clusterSize / 8;
        if (l1Entries > Math.max(needed, slack) && nbSnapshots == 0) {
            throw invalid("l1_size %d is larger than the virtual size %d needs (%d entries)", l1Entries, size,
                    needed);
        }
        if ((l1TableOffset & (clusterSize - 1)) != 0) {
            throw invalid("l1_table_offset 0x%x is not aligned to the cluster size %d", l1TableOffset, clusterSize);
        }
        if (l1Entries > 0 && (l1TableOffset <= 0 || l1TableOffset > fileSize - l1Entries * 8)) {
            throw invalid("l1_table_offset 0x%x (%d entries) is past the end of the file (%d bytes)",
                    l1TableOffset, l1Entries, fileSize);
        }
        if ((refcountTableOffset & (clusterSize - 1)) != 0) {
            throw invalid("refcount_table_offset 0x%x is not aligned to the cluster size %d", refcountTableOffset,
                    clusterSize);
        }
        long reftableClusters = Integer.toUnsignedLong(refcountTableClusters);
        if (reftableClusters == 0) {
            throw invalid("refcount_table_clusters is 0");
        }
        if (reftableClusters * clusterSize > MAX_REFTABLE_BYTES) {
            throw invalid("refcount_table_clusters %d exceeds the refcount table limit of %d bytes",
                    reftableClusters, MAX_REFTABLE_BYTES);
        }
        if (refcountTableOffset <= 0 || refcountTableOffset > fileSize - reftableClusters * clusterSize) {
            throw invalid("refcount_table_offset 0x%x (%d clusters) is past the end of the file (%d bytes)",
                    refcountTableOffset, reftableClusters, fileSize);
        }
        long snapshots = Integer.toUnsignedLong(nbSnapshots);
        if (snapshots > MAX_SNAPSHOTS) {
            throw invalid("nb_snapshots %d exceeds the limit of %d", snapshots, MAX_SNAPSHOTS);
        }
        if (snapshots > 0 && ((snapshotsOffset & (clusterSize - 1)) != 0 || snapshotsOffset <= 0
                || snapshotsOffset >= fileSize)) {
            throw invalid("snapshots_offset 0x%x is unaligned or past the end of the file (%d bytes)",
                    snapshotsOffset, fileSize);
        }
    }

    private static List<HeaderExtension> parseExtensions(ByteBuffer b, int base, int start, int limit)
            throws EngineException {
        List<HeaderExtension> extensions = new ArrayList<>();
        int at = start;
        int head = HeaderLayout.EXTENSION_HEADER_LENGTH;
        // Each iteration advances by at least 8 bytes within one cluster, so this always ends.
        while (at + head <= limit) {
            int type = b.getInt(base + at);
            long length = Integer.toUnsignedLong(b.getInt(base + at + 4));
            if (type == HeaderExtensionType.END.magic()) {
                return extensions;
            }
            if (length > limit - at - head) {
                throw invalid("header extension 0x%08x at offset %d has length %d, past the end of the first cluster",
                        type, at, length);
            }
            HeaderExtension e = HeaderExtension.read(b, base + at, (int) length);
            extensions.add(e);
            at += e.encodedLength();
        }
        // Header extensions run until an end marker; QEMU also accepts hitting the end of the cluster.
        return extensions;
    }

    private static String parseBackingFile(ByteBuffer b, int base, long offset, int length, int limit,
                                           long fileSize) throws EngineException {
        if (offset == 0) {
            return null;
        }
        long len = Integer.toUnsignedLong(length);
        if (len == 0 || len > MAX_BACKING_FILE_NAME) {
            throw invalid("backing_file_size %d is out of range (1..%d)", len, MAX_BACKING_FILE_NAME);
        }
        if (offset < 0 || offset + len > limit || offset + len > fileSize) {
            throw invalid("backing file name (offset %d, %d bytes) is out of range: it must lie in the first cluster",
                    offset, len);
        }
        byte[] name = new byte[(int) len];
        b.get(base + (int) offset, name);
        return new String(name, StandardCharsets.UTF_8);
    }

    private static String describeFeatures(List<HeaderExtension> extensions, long bits) {
        List<String> named = new ArrayList<>();
        for (HeaderExtension e : extensions) {
            if (!e.is(HeaderExtensionType.FEATURE_NAME_TABLE)) {
                continue;
            }
            for (FeatureName f : FeatureName.readTable(e.data())) {
                if (f.kind() == FeatureName.INCOMPATIBLE && f.bit() < 64 && (bits & (1L << f.bit())) != 0) {
                    named.add(f.name());
                }
            }
        }
        return named.isEmpty() ? "" : " (" + String.join(", ", named) + ")";
    }

    // ----- open-time checks -----------------------------------------------------------------------------------

    /** Refuses opens that the dirty and corrupt bits forbid; read-only opens of such images are allowed. */
    public void checkOpenable(boolean readOnly) throws EngineException {
        if (readOnly) {
            return;
        }
        if (isCorrupt()) {
            throw invalid("the image is marked corrupt (incompatible bit 1): it may only be opened read-only, "
                    + "because its metadata is inconsistent and writing could destroy data; repair it first");
        }
        if (isDirty()) {
            throw invalid("the image is marked dirty (incompatible bit 0, lazy refcounts were not written back): "
                    + "refcounts must be rebuilt: run qcowctl check --repair");
        }
    }

    // ----- writing --------------------------------------------------------------------------------------------

    /**
     * Encodes the header, its extensions (in their original order, unknown ones verbatim), an end marker and the
     * backing file name right after them. The returned header has {@code backingFileOffset}/{@code Size} and
     * {@code headerLength} updated to what was encoded.
     */
    public Encoded encode() throws EngineException {
        int fixed = version == 2 ? V2_HEADER_LENGTH : Math.max(headerLength, V3_HEADER_LENGTH);
        int extBytes = HeaderLayout.EXTENSION_HEADER_LENGTH; // the end marker
        for (HeaderExtension e : extensions) {
            extBytes += e.encodedLength();
        }
        byte[] name = backingFile == null ? new byte[0] : backingFile.getBytes(StandardCharsets.UTF_8);
        if (name.length > MAX_BACKING_FILE_NAME) {
            throw invalid("backing file name is %d bytes long (at most %d)", name.length, MAX_BACKING_FILE_NAME);
        }
        int total = fixed + extBytes + name.length;
        if (total > clusterSize()) {
            throw invalid("the header with its extensions (%d bytes) does not fit into one cluster (%d bytes)",
                    total, clusterSize());
        }
        long newBackingOffset = name.length == 0 ? 0 : fixed + extBytes;
        Qcow2Header h = new Qcow2Header(version, newBackingOffset, name.length, clusterBits, size, cryptMethod,
                l1Size, l1TableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset,
                incompatibleFeatures, compatibleFeatures, autoclearFeatures, refcountOrder,
                version == 2 ? V2_HEADER_LENGTH : fixed, compressionType, unknownHeaderFields, extensions,
                backingFile);
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putInt(HeaderLayout.MAGIC, MAGIC).putInt(HeaderLayout.VERSION, version)
                .putLong(HeaderLayout.BACKING_FILE_OFFSET, h.backingFileOffset)
                .putInt(HeaderLayout.BACKING_FILE_SIZE, h.backingFileSize)
                .putInt(HeaderLayout.CLUSTER_BITS, clusterBits).putLong(HeaderLayout.SIZE, size)
                .putInt(HeaderLayout.CRYPT_METHOD, cryptMethod).putInt(HeaderLayout.L1_SIZE, l1Size)
                .putLong(HeaderLayout.L1_TABLE_OFFSET, l1TableOffset)
                .putLong(HeaderLayout.REFCOUNT_TABLE_OFFSET, refcountTableOffset)
                .putInt(HeaderLayout.REFCOUNT_TABLE_CLUSTERS, refcountTableClusters)
                .putInt(HeaderLayout.NB_SNAPSHOTS, nbSnapshots).putLong(HeaderLayout.SNAPSHOTS_OFFSET, snapshotsOffset);
        if (version == 3) {
            b.putLong(HeaderLayout.INCOMPATIBLE_FEATURES, incompatibleFeatures)
                    .putLong(HeaderLayout.COMPATIBLE_FEATURES, compatibleFeatures)
                    .putLong(HeaderLayout.AUTOCLEAR_FEATURES, autoclearFeatures)
                    .putInt(HeaderLayout.REFCOUNT_ORDER, refcountOrder).putInt(HeaderLayout.HEADER_LENGTH, h.headerLength)
                    .put(HeaderLayout.COMPRESSION_TYPE, (byte) compressionType);
            b.put(HeaderLayout.V3_LENGTH, unknownHeaderFields);
        }
        b.position(fixed);
        for (HeaderExtension e : extensions) {
            e.write(b);
        }
        b.putInt(HeaderExtensionType.END.magic()).putInt(0);
        b.put(name);
        return new Encoded(h, b.array());
    }

    /** An encoded header: the bytes for offset 0 and the header values they encode. */
    public record Encoded(Qcow2Header header, byte[] bytes) {
    }

    // ----- helpers --------------------------------------------------------------------------------------------

    public static long ceilDiv(long a, long b) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }

    public static EngineException invalid(String format, Object... args) {
        return new EngineException(ErrorCode.INVALID_IMAGE, String.format(format, args));
    }

    public static EngineException unsupported(String format, Object... args) {
        return new EngineException(ErrorCode.UNSUPPORTED, String.format(format, args));
    }

    /** Field by field, with the unknown trailing fields and the extensions' payloads compared by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Qcow2Header h && version == h.version && backingFileOffset == h.backingFileOffset
                && backingFileSize == h.backingFileSize && clusterBits == h.clusterBits && size == h.size
                && cryptMethod == h.cryptMethod && l1Size == h.l1Size && l1TableOffset == h.l1TableOffset
                && refcountTableOffset == h.refcountTableOffset && refcountTableClusters == h.refcountTableClusters
                && nbSnapshots == h.nbSnapshots && snapshotsOffset == h.snapshotsOffset
                && incompatibleFeatures == h.incompatibleFeatures && compatibleFeatures == h.compatibleFeatures
                && autoclearFeatures == h.autoclearFeatures && refcountOrder == h.refcountOrder
                && headerLength == h.headerLength && compressionType == h.compressionType
                && Arrays.equals(unknownHeaderFields, h.unknownHeaderFields) && extensions.equals(h.extensions)
                && Objects.equals(backingFile, h.backingFile);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, backingFileOffset, backingFileSize, clusterBits, size, cryptMethod, l1Size,
                l1TableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset,
                incompatibleFeatures, compatibleFeatures, autoclearFeatures, refcountOrder, headerLength,
                compressionType, Arrays.hashCode(unknownHeaderFields), extensions, backingFile);
    }

    @Override
    public byte[] unknownHeaderFields() {
        return unknownHeaderFields.clone();
    }

    @Override
    public String toString() {
        return "Qcow2Header[version=" + version + ", size=" + size + ", clusterBits=" + clusterBits
                + ", l1Size=" + l1Size + ", l1TableOffset=" + l1TableOffset + ", refcountTableOffset="
                + refcountTableOffset + ", refcountTableClusters=" + refcountTableClusters + ", refcountOrder="
                + refcountOrder + ", incompatible=0x" + Long.toHexString(incompatibleFeatures) + ", compatible=0x"
                + Long.toHexString(compatibleFeatures) + ", autoclear=0x" + Long.toHexString(autoclearFeatures)
                + ", headerLength=" + headerLength + ", compressionType=" + compressionType + ", nbSnapshots="
                + nbSnapshots + ", snapshotsOffset=" + snapshotsOffset + ", backingFile=" + backingFile
                + ", backingFileOffset=" + backingFileOffset + ", backingFileSize=" + backingFileSize
                + ", extensions=" + extensions + "]";
    }
}
