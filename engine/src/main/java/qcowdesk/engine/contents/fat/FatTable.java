package qcowdesk.engine.contents.fat;

import java.io.IOException;

import qcowdesk.engine.contents.io.BlockCache;
import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.ContentsException;

/** The first FAT, read a sector at a time through a bounded cache (a FAT32 table can be hundreds of MiB). */
final class FatTable {

    static final long FREE = 0;
    private final FatBootSector boot;
    private final BlockCache sectors;
    private final long firstSector;

    FatTable(ByteSource volume, FatBootSector boot) {
        this.boot = boot;
        this.sectors = new BlockCache(volume, boot.bytesPerSector(), 256);
        this.firstSector = boot.fatOffset() / boot.bytesPerSector();
    }

    /** The entry of {@code cluster}: the next cluster, FREE, or a value {@link #isEnd} says ends the chain. */
    long next(long cluster) throws IOException {
        if (cluster < 2 || cluster >= boot.clusterCount() + 2) {
            throw new ContentsException("FAT: cluster " + cluster + " is outside the volume");
        }
        return switch (boot.bits()) {
            case 12 -> {
                long at = cluster + cluster / 2;
                int v = u8(at) | u8(at + 1) << 8;
                yield (cluster & 1) == 0 ? v & 0xfff : v >>> 4;
            }
            case 16 -> u8(cluster * 2) | u8(cluster * 2 + 1) << 8;
            default -> (u8(cluster * 4) | u8(cluster * 4 + 1) << 8 | u8(cluster * 4 + 2) << 16
                    | (long) u8(cluster * 4 + 3) << 24) & 0x0fffffffL;
        };
    }

    /** End of chain (or bad cluster, which also ends it). */
    boolean isEnd(long value) {
        long eoc = switch (boot.bits()) {
            case 12 -> 0xff7;
            case 16 -> 0xfff7;
            default -> 0x0ffffff7;
        };
        return value >= eoc;
    }

    private int u8(long byteInFat) throws IOException {
        long sector = firstSector + byteInFat / boot.bytesPerSector();
        return sectors.block(sector)[(int) (byteInFat % boot.bytesPerSector())] & 0xff;
    }

    /** Visits the chain from {@code first}, at most {@code maxClusters} clusters; a loop or bad link is an error. */
    void chain(long first, long maxClusters, String owner, ClusterVisitor visitor) throws IOException {
        long cluster = first;
        long n = 0;
        while (true) {
            if (cluster < 2 || cluster >= boot.clusterCount() + 2) {
                throw new ContentsException(owner + ": cluster chain reaches cluster " + cluster
                        + ", outside the volume");
            }
            if (n >= maxClusters) {
                // a chain longer than the file needs (or than the volume has clusters) loops or is cross-linked
                return;
            }
            if (!visitor.visit(n, cluster)) {
                return;
            }
            n++;
            long next = next(cluster);
            if (next == FREE) {
                throw new ContentsException(owner + ": cluster chain runs into free cluster " + cluster);
            }
            if (isEnd(next)) {
                return;
            }
            cluster = next;
        }
    }

    /** Called for the n-th cluster of a chain; returns false to stop. */
    interface ClusterVisitor {
        boolean visit(long index, long cluster) throws IOException;
    }
}
