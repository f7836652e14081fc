package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.tools.CreateOptions;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.engine.qcow2.format.RefcountBlockCodec;
import qcowdesk.engine.qcow2.format.RefcountStructure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code qemu-img measure}, computed as QEMU's {@code qcow2_measure} and {@code raw_measure} compute it, so the
 * numbers match to the byte: the metadata of a fully allocated image of the input's size (cluster-rounded), and
 * of that only the data clusters the input actually holds (every cluster that has a byte of data in it).
 */
public final class Measure {

    private static final int L1_ENTRY = 8;

    private Measure() {
    }

    /**
     * Measures a new image of {@code target}'s format and options holding {@code input} (null: an empty image of
     * {@code target.virtualSize()} bytes). {@code inputInfo} describes a QCOW2 input (null for raw) for the bitmaps.
     */
    public static Measurement of(VirtualDisk input, ImageInfo inputInfo, DiskFormat format, CreateOptions target)
            throws IOException {
        if (format == DiskFormat.RAW) {
            long size = input != null ? input.size() : target.roundedVirtualSize();
            return new Measurement(size, size, null);
        }
        int cs = target.clusterSize();
        long virtualSize = input != null ? roundUp(input.size(), cs) : target.roundedVirtualSize();
        long required;
        if (input == null) {
            required = 0;
        } else if (target.backingFile() != null) {
            // The new image's backing file may share nothing with the input: assume every cluster is written.
            required = virtualSize;
        } else {
            required = dataBytes(input, cs);
        }
        long fully = preallocatedSize(virtualSize, cs, target.refcountOrder(), target.extendedL2());
        Long bitmaps = target.version() >= 3 && inputInfo != null && "1.1".equals(inputInfo.formatSpecific().data().compat())
                ? bitmapsSize(inputInfo, cs) : null;
        return new Measurement(fully - virtualSize + required, fully, bitmaps);
    }

    /** QEMU's loop over block status: every target cluster holding data counts whole; zeros count nothing. */
    private static long dataBytes(VirtualDisk input, int cs) throws IOException {
        long size = input.size();
        long required = 0;
        long offset = 0;
        while (offset < size) {
            List<MapEntry> extents = input.map(offset, size - offset);
            for (MapEntry e : extents) {
                long pnum = e.length();
                if (!e.zero() && e.data()) {
                    pnum = roundUp(e.start() + pnum, cs) - e.start();
                    required += e.start() % cs + pnum;
                }
                offset = e.start() + pnum;
                if (pnum != e.length()) {
                    break; // the next extent starts inside the cluster just counted: ask for the map from there
                }
            }
        }
        return required;
    }

    /** QEMU's qcow2_calc_prealloc_size: header, all L2 tables, the L1 table, refcounts, and the data. */
    static long preallocatedSize(long totalSize, int cs, int refcountOrder, boolean extendedL2) {
        long aligned = roundUp(totalSize, cs);
        int l2EntrySize = extendedL2 ? 16 : 8;
        long meta = cs;
        long l2Entries = roundUp(aligned / cs, cs / l2EntrySize);
        meta += l2Entries * l2EntrySize;
        long l1Entries = roundUp(l2Entries * l2EntrySize / cs, cs / L1_ENTRY);
        meta += l1Entries * L1_ENTRY;
        meta += refcountMetadataSize((meta + aligned) / cs, cs, refcountOrder);
        return meta + aligned;
    }

    /**
     * QEMU's qcow2_refcount_metadata_size without the generous increase: refcount blocks and table, in bytes.
     * QEMU iterates from zero blocks to the fixed point; the format's sizing starts from one block and reaches the
     * same one for any image (which has at least its header cluster).
     */
    static long refcountMetadataSize(long clusters, int cs, int refcountOrder) {
        return RefcountStructure.sizedFor(clusters, new RefcountBlockCodec(refcountOrder), cs).clusters() * cs;
    }

    /** QEMU's qcow2_measure_bitmaps: each bitmap fully allocated, its table, and the directory. */
    private static long bitmapsSize(ImageInfo input, int cs) {
        List<ImageInfo.BitmapInfo> bitmaps = input.formatSpecific().data().bitmaps();
        if (bitmaps == null) {
            return 0;
        }
        long size = 0;
        long directory = 0;
        for (ImageInfo.BitmapInfo b : bitmaps) {
            long bytes = ceilDiv(ceilDiv(input.virtualSize(), b.granularity()), 8);
            long clusters = ceilDiv(bytes, cs);
            size += clusters * cs + roundUp(clusters * 8, cs);
            directory += roundUp(24 + b.name().getBytes(java.nio.charset.StandardCharsets.UTF_8).length, 8);
        }
        return size + roundUp(directory, cs);
    }

    static long roundUp(long n, long to) {
        return ceilDiv(n, to) * to;
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Convenience for a file: opened read-only, QCOW2 or raw by {@code format} (null: probed). */
    public static Measurement of(Path input, DiskFormat inputFormat, DiskFormat format, CreateOptions target)
            throws IOException {
        DiskFormat actual = inputFormat != null ? inputFormat : DiskFormat.probe(input);
        ImageInfo info = actual == DiskFormat.QCOW2 ? ImageInfo.of(input) : null;
        try (VirtualDisk disk = Inputs.open(input, actual)) {
            return of(disk, info, format, target);
        }
    }
}
