package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.qcow2.HeaderFile;
import qcowdesk.engine.qcow2.format.Qcow2Header;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.InspectionChannel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What every cluster of the image file holds, as runs of equal kind in file order: header, L1/L2 tables, refcount
 * table and blocks, data, compressed data, snapshot table, bitmaps, and — from the refcounts — free clusters and
 * leaked ones (refcount above zero, referenced by nothing). A cluster referenced as two kinds (a corrupt image)
 * shows as the first kind found.
 *
 * @param extents runs covering the whole file, in order; the last may be shorter than a cluster
 */
public record HostMap(int clusterSize, long fileSize, List<HostExtent> extents) {

    /** Files with more clusters than this are refused: the map keeps 4 bits per cluster (128 MiB at the limit). */
    public static final long MAX_CLUSTERS = 1L << 28;

    /** A run of host clusters of one kind. */
    public record HostExtent(long offset, long length, HostClusterKind kind) {
        public long end() {
            return offset + length;
        }
    }

    public HostMap {
        extents = List.copyOf(extents);
    }

    /** Reads the image's metadata (read-only) and classifies its clusters. */
    public static HostMap of(Path image, ProgressListener progress) throws EngineException {
        try (InspectionChannel file = InspectionChannel.open(image, false)) {
            return of(file.channel(), HeaderFile.read(file.channel()), progress);
        } catch (EngineException e) {
            throw e;
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot read " + image + ": " + e.getMessage(), e);
        }
    }

    static HostMap of(FileChannel channel, Qcow2Header header, ProgressListener progress) throws IOException {
        int bits = header.clusterBits();
        MetadataWalker walker = new MetadataWalker(channel, header, progress);
        long fileSize = walker.fileSize();
        long clusters = (fileSize + header.clusterSize() - 1) >>> bits;
        if (clusters > MAX_CLUSTERS) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "the file has " + clusters
                    + " clusters, more than a host map covers (" + MAX_CLUSTERS + ")");
        }
        ClusterKinds kinds = new ClusterKinds(clusters);
        walker.walk((offset, length, kind) -> kinds.mark(offset >>> bits, (offset + length - 1) >>> bits, kind));

        RefcountReader refcounts = new RefcountReader(channel, header, walker);
        List<HostExtent> runs = new ArrayList<>();
        HostClusterKind runKind = null;
        long runStart = 0;
        for (long c = 0; c < clusters; c++) {
            HostClusterKind kind = kinds.get(c);
            if (kind == null) {
                kind = refcounts.get(c) > 0 ? HostClusterKind.LEAKED : HostClusterKind.FREE;
            }
            if (kind != runKind) {
                if (runKind != null) {
                    runs.add(new HostExtent(runStart << bits, (c - runStart) << bits, runKind));
                }
                runKind = kind;
                runStart = c;
            }
            if ((c & 0xffff) == 0) {
                progress.onProgress("classifying host clusters", c, clusters);
            }
        }
        if (runKind != null) {
            runs.add(new HostExtent(runStart << bits, fileSize - (runStart << bits), runKind));
        }
        progress.onProgress("classifying host clusters", clusters, clusters);
        return new HostMap(header.clusterSize(), fileSize, runs);
    }

    /** Clusters (counting a short last one) of each kind. */
    public Map<HostClusterKind, Long> clusterCounts() {
        Map<HostClusterKind, Long> counts = new EnumMap<>(HostClusterKind.class);
        for (HostExtent e : extents) {
            counts.merge(e.kind(), (e.length() + clusterSize - 1) / clusterSize, Long::sum);
        }
        return counts;
    }

    /** The kind of the cluster holding host byte {@code offset}. */
    public HostClusterKind kindAt(long offset) {
        int lo = 0;
        int hi = extents.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            HostExtent e = extents.get(mid);
            if (offset < e.offset()) {
                hi = mid - 1;
            } else if (offset >= e.end()) {
                lo = mid + 1;
            } else {
                return e.kind();
            }
        }
        throw new IllegalArgumentException("offset " + offset + " is outside the file (" + fileSize + " bytes)");
    }

    /** Four bits per cluster: 0 for "not referenced", otherwise the kind's ordinal plus one. */
    private static final class ClusterKinds {
        private static final HostClusterKind[] KINDS = HostClusterKind.values();
        private final long clusters;
        private final long[] words;

        ClusterKinds(long clusters) {
            this.clusters = clusters;
            this.words = new long[(int) ((clusters + 15) >>> 4)];
        }

        /** Marks clusters first..last (those inside the file) unless already marked. */
        void mark(long first, long last, HostClusterKind kind) {
            for (long c = Math.max(0, first); c <= last && c < clusters; c++) {
                int word = (int) (c >>> 4);
                int shift = (int) (c & 15) * 4;
                if (((words[word] >>> shift) & 0xf) == 0) {
                    words[word] |= (long) (kind.ordinal() + 1) << shift;
                }
            }
        }

        HostClusterKind get(long c) {
            int code = (int) ((words[(int) (c >>> 4)] >>> ((c & 15) * 4)) & 0xf);
            return code == 0 ? null : KINDS[code - 1];
        }
    }
}
