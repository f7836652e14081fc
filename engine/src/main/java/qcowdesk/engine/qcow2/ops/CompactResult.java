package qcowdesk.engine.qcow2.ops;

/**
 * What {@link Compact} did (or, in a dry run, would do): the file's size before and after, and how many data
 * clusters held only zeros.
 */
public record CompactResult(long oldFileSize, long newFileSize, long zeroDataClusters, int clusterSize) {

    public long saved() {
        return oldFileSize - newFileSize;
    }
}
