package qcowdesk.engine.qcow2.format;

/**
 * The one place that decides what an L2 entry means for a (sub)cluster, or which rule it breaks (QEMU's
 * qcow2_get_subcluster_type plus the checks qcow2_get_host_offset makes before trusting an entry).
 *
 * @param version          image version (zero flags need version 3)
 * @param clusterSize      bytes per cluster (host offsets must be aligned to it)
 * @param extendedL2       entries carry a subcluster bitmap
 * @param externalDataFile data lives in an external file (compressed clusters are impossible there)
 */
public record EntryClassifier(int version, int clusterSize, boolean extendedL2, boolean externalDataFile) {

    public static EntryClassifier of(Qcow2Header header) {
        return new EntryClassifier(header.version(), header.clusterSize(), header.hasExtendedL2(),
                header.hasExternalDataFile());
    }

    /** Subclusters per cluster: 32 with extended L2, else 1. */
    public int subclusters() {
        return extendedL2 ? L2Entry.SUBCLUSTERS : 1;
    }

    /**
     * The type of subcluster {@code sub} (0 without extended L2) of a cluster with this entry and bitmap, or the
     * violation.
     */
    public Classification classify(long entry, long bitmap, int sub) {
        if (L2Entry.isCompressed(entry)) {
            if (externalDataFile) {
                return Classification.violated("compressed cluster in an image with an external data file");
            }
            return Classification.of(SubclusterType.COMPRESSED);
        }
        boolean hasHost = L2Entry.hasHostCluster(entry, externalDataFile);
        if (hasHost && (L2Entry.offset(entry) & (clusterSize - 1)) != 0) {
            return Classification.violated("unaligned host offset");
        }
        if (!extendedL2) {
            if ((entry & L2Entry.ZERO) != 0) {
                if (version < 3) {
                    return Classification.violated("zero flag in a version 2 image");
                }
                return Classification.of(hasHost ? SubclusterType.ZERO_ALLOC : SubclusterType.ZERO_PLAIN);
            }
            return Classification.of(hasHost ? SubclusterType.NORMAL : SubclusterType.UNALLOCATED_PLAIN);
        }
        boolean allocated = L2Entry.subclusterAllocated(bitmap, sub);
        boolean zero = L2Entry.subclusterZero(bitmap, sub);
        if (allocated && zero) {
            return Classification.violated("subcluster " + sub + " is marked both allocated and zero");
        }
        if (zero) {
            return Classification.of(hasHost ? SubclusterType.ZERO_ALLOC : SubclusterType.ZERO_PLAIN);
        }
        if (allocated) {
            if (!hasHost) {
                return Classification.violated("subcluster " + sub + " is allocated but the cluster has no offset");
            }
            return Classification.of(SubclusterType.NORMAL);
        }
        return Classification.of(hasHost ? SubclusterType.UNALLOCATED_ALLOC : SubclusterType.UNALLOCATED_PLAIN);
    }

    /** The first violation among the entry's subclusters, or null when every one classifies. */
    public String firstViolation(long entry, long bitmap) {
        int n = L2Entry.isCompressed(entry) ? 1 : subclusters();
        for (int s = 0; s < n; s++) {
            Classification c = classify(entry, bitmap, s);
            if (c.isViolation()) {
                return c.violation();
            }
        }
        return null;
    }
}
