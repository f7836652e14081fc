package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.qcow2.FileIo;
import qcowdesk.engine.qcow2.format.FeatureName;
import qcowdesk.engine.qcow2.format.HeaderExtension;
import qcowdesk.engine.qcow2.format.HeaderExtensionType;
import qcowdesk.engine.qcow2.format.HeaderLayout;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.RefcountBlockCodec;
import qcowdesk.engine.qcow2.format.RefcountStructure;

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
import java.util.ArrayList;
import java.util.List;

/**
 * Creates an empty QCOW2 image laid out as {@code qemu-img create} does: header with its extensions (backing
 * format, and for version 3 the feature name table when it fits), refcount table, refcount blocks counting every
 * metadata cluster once, and an all-zero L1 table. An existing file is never overwritten.
 */
public final class Qcow2Creator {

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

        RefcountStructure refcounts = layout.refcounts(new RefcountBlockCodec(options.refcountOrder()));
        for (long t = 0; t < refcounts.tableClusters(); t++) {
            writeFully(file, refcounts.tableCluster(t, layout.refcountBlocksOffset()),
                    layout.refcountTableOffset() + t * cs);
        }
        for (long b = 0; b < refcounts.blocks(); b++) {
            // every cluster of a new image is used once
            writeFully(file, refcounts.block(b, layout.totalClusters(), cluster -> 1),
                    layout.refcountBlocksOffset() + b * cs);
        }
        // The L1 table starts empty; writing its zeros (rather than leaving a hole) gives it real blocks on disk.
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(layout.l1Clusters() * cs, 1 << 20));
        for (long at = layout.l1Offset(); at < layout.fileSize(); at += zeros.capacity()) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), layout.fileSize() - at));
            writeFully(file, zeros, at);
        }
    }

    /** Cluster 0: the new image's header, encoded by the format's header codec, padded to a cluster. */
    static ByteBuffer headerCluster(CreateOptions options, NewImageLayout layout) throws EngineException {
        int cs = options.clusterSize();
        boolean v3 = options.version() == 3;
        List<HeaderExtension> extensions = new ArrayList<>();
        if (options.backingFormat() != null) {
            extensions.add(HeaderExtension.of(HeaderExtensionType.BACKING_FORMAT,
                    options.backingFormat().getBytes(StandardCharsets.US_ASCII)));
        }
        byte[] backingName = options.backingFile() == null ? new byte[0]
                : options.backingFile().getBytes(StandardCharsets.UTF_8);
        int required = (v3 ? Qcow2Header.V3_HEADER_LENGTH : Qcow2Header.V2_HEADER_LENGTH)
                + HeaderLayout.EXTENSION_HEADER_LENGTH + backingName.length
                + extensions.stream().mapToInt(HeaderExtension::encodedLength).sum();
        if (required > cs) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "backing file name of " + backingName.length
                    + " bytes does not fit in the header cluster of " + cs + " bytes");
        }
        HeaderExtension featureNames = HeaderExtension.of(HeaderExtensionType.FEATURE_NAME_TABLE,
                FeatureName.writeTable(FeatureName.QEMU_TABLE));
        // QEMU drops the feature name table when the first cluster is too small for it; it is informational.
        if (v3 && required + featureNames.encodedLength() <= cs) {
            extensions.add(featureNames);
        }
        Qcow2Header header = Qcow2Header.forNewImage(options.version(), options.clusterBits(),
                options.roundedVirtualSize(), (int) layout.l1Entries(), layout.l1Offset(),
                layout.refcountTableOffset(), (int) layout.refcountTableClusters(),
                options.extendedL2() ? Qcow2Header.INCOMPAT_EXTENDED_L2 : 0,
                options.lazyRefcounts() ? Qcow2Header.COMPAT_LAZY_REFCOUNTS : 0, options.refcountOrder(), extensions,
                options.backingFile()).withCompressionType(options.compressionType());
        ByteBuffer h = ByteBuffer.allocate(cs);
        h.put(header.encode().bytes());
        return h.clear();
    }

    private static void writeFully(FileChannel file, ByteBuffer src, long position) throws IOException {
        FileIo.writeFully(file, src, position);
    }
}
