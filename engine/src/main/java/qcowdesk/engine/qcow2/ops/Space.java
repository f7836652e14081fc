package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.MapEntry;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.tools.HostClusterKind;
import qcowdesk.engine.qcow2.tools.HostMap;
import qcowdesk.engine.qcow2.tools.ProgressListener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes a {@link SpaceReport}: the host side from the host map (what each file cluster holds), the guest side
 * from the guest map of the active layer, and the all-zero data clusters by reading them.
 */
public final class Space {

    private static final Set<HostClusterKind> METADATA = EnumSet.of(HostClusterKind.HEADER,
            HostClusterKind.L1_TABLE, HostClusterKind.L2_TABLE, HostClusterKind.REFCOUNT_TABLE,
            HostClusterKind.REFCOUNT_BLOCK, HostClusterKind.SNAPSHOT_TABLE, HostClusterKind.BITMAP);

    private Space() {
    }

    public static SpaceReport of(Path image, ProgressListener progress) throws IOException {
        HostMap host = HostMap.of(image, progress);
        Map<HostClusterKind, Long> counts = host.clusterCounts();
        long cs = host.clusterSize();
        long metadata = 0;
        for (HostClusterKind k : METADATA) {
            metadata += counts.getOrDefault(k, 0L) * cs;
        }
        long dataClusters = counts.getOrDefault(HostClusterKind.DATA, 0L);
        long data = (dataClusters + counts.getOrDefault(HostClusterKind.COMPRESSED_DATA, 0L)) * cs;
        try (Qcow2Image disk = Qcow2Image.open(image, OpenOptions.readOnly())) {
            long size = disk.size();
            long guest = 0;
            long backing = 0;
            long activeDataClusters = 0;
            long zeroData = 0;
            ByteBuffer cluster = ByteBuffer.allocate((int) cs);
            long at = 0;
            while (at < size) {
                List<MapEntry> extents = disk.map(at, size - at);
                for (MapEntry e : extents) {
                    if (e.present() && e.depth() == 0 && !e.zero()) {
                        guest += e.length();
                        if (!e.compressed()) {
                            activeDataClusters += (e.length() + cs - 1) / cs;
                        }
                        for (long c = e.start() / cs * cs; c < e.end(); c += cs) {
                            Compare.read(disk, c, cluster.clear());
                            if (Zeros.isZero(cluster, 0, (int) cs)) {
                                zeroData += cs;
                            }
                        }
                    } else if (e.present() && e.depth() > 0) {
                        backing += e.length();
                    }
                    at = e.end();
                    progress.onProgress("reading guest data", at, size);
                }
            }
            long snapshotsOnly = disk.header().nbSnapshots() == 0 ? 0
                    : Math.max(0, dataClusters - activeDataClusters) * cs;
            return new SpaceReport(size, host.fileSize(), guest, zeroData, data, metadata,
                    counts.getOrDefault(HostClusterKind.LEAKED, 0L) * cs,
                    counts.getOrDefault(HostClusterKind.FREE, 0L) * cs, snapshotsOnly, backing);
        }
    }
}
