package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Creates an empty QCOW2 image laid out as {@code qemu-img create} does: header with its extensions (backing
 * format, and for version 3 the feature name table when it fits), refcount table, refcount blocks counting every
 * metadata cluster once, and an all-zero L1 table. An existing file is never overwritten.
 */
public final class Qcow2Creator {

    static final int MAGIC = 0x514649fb;
    static final int V2_HEADER_LENGTH = 72;
    /** Version 3 header including the compression type byte and its padding, as qemu 5.1+ writes it. */
    static final int V3_HEADER_LENGTH = 112;
    static final long INCOMPATIBLE_EXTENDED_L2 = 1L << 4;
    static final long COMPATIBLE_LAZY_REFCOUNTS = 1L;

    /** QEMU's feature name table: type (0 incompatible, 1 compatible, 2 autoclear), bit, name. */
    private static final Object[][] FEATURE_NAMES = {
            {0, 0, "dirty bit"}, {0, 1, "corrupt bit"}, {0, 2, "external data file"}, {0, 3, "compression type"},
            {0, 4, "extended L2 entries"}, {1, 0, "lazy refcounts"}, {2, 0, "bitmaps"}, {2, 1, "raw external data"}};
    private static final int FEATURE_NAME_ENTRY = 48;

    private Qcow2Creator() {
    }

    /**
     * Writes a new image at {@code path} and makes it durable.
     *
     * @throws EngineException INVALID_ARGUMENT for bad options, a missing backing file or an existing target;
     *                         IO when the file cannot be written (the partial file is removed)
     */
    public static void create(Path path, CreateOptions options) throws EngineException {
        options.validate();
        requireBackingFileExists(path, options);
        NewImageLayout layout = NewImageLayout.plan(options);
        ByteBuffer header = headerCluster(options, layout);
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            try {
                writeMetadata(file, options, layout, header);
                file.force(true);
            } catch (IOException e) {
                Files.deleteIfExists(path);
                throw e;
            }
        } catch (FileAlreadyExistsException e) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, path + " already exists; not overwriting it");
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot create " + path + ": " + e.getMessage(), e);
        }
    }

    private static void requireBackingFileExists(Path image, CreateOptions options) throws EngineException {
        if (options.backingFile() == null) {
            return;
        }
        Path dir = image.toAbsolutePath().getParent();
        Path backing = dir.resolve(options.backingFile());
        if (!Files.isRegularFile(backing)) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT,
                    "backing file '" + options.backingFile() + "' not found (looked at " + backing + ")");
        }
    }

    private static void writeMetadata(FileChannel file, CreateOptions options, NewImageLayout layout,
                                      ByteBuffer header) throws IOException {
        int cs = layout.clusterSize();
        writeFully(file, header, 0);

        ByteBuffer table = ByteBuffer.allocate(cs);
        RefcountCodec codec = new RefcountCodec(options.refcountOrder());
        long perBlock = codec.entriesPerBlock(cs);
        long total = layout.totalClusters();
        long perTableCluster = cs / 8;
        for (long t = 0; t < layout.refcountTableClusters(); t++) {
            table.clear();
            for (long i = 0; i < perTableCluster; i++) {
                long block = t * perTableCluster + i;
                table.putLong(block < layout.refcountBlocks() ? layout.refcountBlocksOffset() + block * cs : 0);
            }
            writeFully(file, table.flip(), layout.refcountTableOffset() + t * cs);
        }
        for (long b = 0; b < layout.refcountBlocks(); b++) {
            ByteBuffer block = ByteBuffer.allocate(cs);
            for (long i = 0; i < perBlock && b * perBlock + i < total; i++) {
                codec.set(block, (int) i, 1);
            }
            writeFully(file, block, layout.refcountBlocksOffset() + b * cs);
        }
        // The L1 table starts empty; writing its zeros (rather than leaving a hole) gives it real blocks on disk.
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(layout.l1Clusters() * cs, 1 << 20));
        for (long at = layout.l1Offset(); at < layout.fileSize(); at += zeros.capacity()) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), layout.fileSize() - at));
            writeFully(file, zeros, at);
        }
    }

    /** Cluster 0: header fields, extensions, then the backing file name. */
    static ByteBuffer headerCluster(CreateOptions options, NewImageLayout layout) throws EngineException {
        int cs = options.clusterSize();
        ByteBuffer h = ByteBuffer.allocate(cs);
        boolean v3 = options.version() == 3;
        int headerLength = v3 ? V3_HEADER_LENGTH : V2_HEADER_LENGTH;
        byte[] backingName = options.backingFile() == null ? new byte[0]
                : options.backingFile().getBytes(StandardCharsets.UTF_8);
        byte[] backingFormat = options.backingFormat() == null ? null
                : options.backingFormat().getBytes(StandardCharsets.US_ASCII);

        int required = headerLength + 8 + backingName.length
                + (backingFormat == null ? 0 : 8 + pad8(backingFormat.length));
        if (required > cs) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "backing file name of " + backingName.length
                    + " bytes does not fit in the header cluster of " + cs + " bytes");
        }
        int featureTable = 8 + FEATURE_NAMES.length * FEATURE_NAME_ENTRY;
        // QEMU drops the feature name table when the first cluster is too small for it; it is informational.
        boolean withFeatureNames = v3 && required + featureTable <= cs;

        h.putInt(MAGIC).putInt(options.version());
        h.position(16).putInt(backingName.length).putInt(options.clusterBits()).putLong(options.roundedVirtualSize());
        h.putInt(0); // crypt_method: none
        h.putInt((int) layout.l1Entries()).putLong(layout.l1Offset());
        h.putLong(layout.refcountTableOffset()).putInt((int) layout.refcountTableClusters());
        h.putInt(0).putLong(0); // no snapshots
        if (v3) {
            h.putLong(options.extendedL2() ? INCOMPATIBLE_EXTENDED_L2 : 0);
            h.putLong(options.lazyRefcounts() ? COMPATIBLE_LAZY_REFCOUNTS : 0);
            h.putLong(0); // autoclear features
            h.putInt(options.refcountOrder()).putInt(headerLength);
            h.put((byte) 0); // compression type: zlib (deflate)
        }
        h.position(headerLength);
        if (backingFormat != null) {
            h.putInt(HeaderExtensionType.BACKING_FORMAT.magic()).putInt(backingFormat.length).put(backingFormat);
            h.position(pad8(h.position()));
        }
        if (withFeatureNames) {
            h.putInt(HeaderExtensionType.FEATURE_NAME_TABLE.magic()).putInt(FEATURE_NAMES.length * FEATURE_NAME_ENTRY);
            for (Object[] f : FEATURE_NAMES) {
                int at = h.position();
                h.put((byte) (int) f[0]).put((byte) (int) f[1]).put(((String) f[2]).getBytes(StandardCharsets.US_ASCII));
                h.position(at + FEATURE_NAME_ENTRY);
            }
        }
        h.putInt(HeaderExtensionType.END.magic()).putInt(0);
        if (backingName.length > 0) {
            h.putLong(8, h.position());
            h.put(backingName);
        }
        return h.clear();
    }

    private static int pad8(int n) {
        return (n + 7) & ~7;
    }

    private static void writeFully(FileChannel file, ByteBuffer src, long position) throws IOException {
        long at = position;
        while (src.hasRemaining()) {
            at += file.write(src, at);
        }
    }
}
