package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.tools.ProgressListener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * {@code qemu-img compare}: two disks are identical when every byte reads the same, the smaller disk reading as
 * zeros past its end. Ranges both maps call zero are not read. Strict mode also requires the same allocation.
 */
public final class Compare {

    static final int SECTOR = 512;
    private static final int CHUNK = 1 << 20;
    /** qemu-img compare's IO_BUF_SIZE: the most it reads of each image at once, which also cuts its chunks. */
    private static final int IO_BUF_SIZE = 2 << 20;

    private Compare() {
    }

    public static CompareResult of(VirtualDisk a, VirtualDisk b, boolean strict, ProgressListener progress,
                                   BooleanSupplier cancelled) throws IOException {
        boolean sizeMismatch = a.size() != b.size();
        long end = Math.max(a.size(), b.size());
        ByteBuffer bufA = ByteBuffer.allocate(CHUNK);
        ByteBuffer bufB = ByteBuffer.allocate(CHUNK);
        if (strict && sizeMismatch) {
            return new CompareResult(true, Math.min(a.size(), b.size()), true);
        }
        if (strict) {
            java.util.Optional<BlockStatus> statusA = BlockStatus.of(a);
            java.util.Optional<BlockStatus> statusB = BlockStatus.of(b);
            if (statusA.isPresent() && statusB.isPresent()) {
                return strict(a, b, statusA.get(), statusB.get(), progress, cancelled);
            }
        }
        for (long offset = 0; offset < end; offset += CHUNK) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("compare cancelled");
            }
            int length = (int) Math.min(CHUNK, end - offset);
            if (strict) {
                long status = firstStatusMismatch(a, b, offset, length);
                if (status >= 0) {
                    return new CompareResult(false, status, true);
                }
            }
            if (!(readsZero(a, offset, length) && readsZero(b, offset, length))) {
                long at = firstDifference(a, b, offset, length, bufA, bufB);
                if (at >= 0) {
                    // qemu-img warns about the sizes only once it got past the common part
                    return new CompareResult(sizeMismatch && at >= Math.min(a.size(), b.size()), at, false);
                }
            }
            progress.onProgress("comparing", offset + length, end);
        }
        return new CompareResult(sizeMismatch, -1, false);
    }

    /** Most ranges {@link #differences} lists: a bound on memory for disks that differ everywhere, finely. */
    static final int MAX_RANGES = 100_000;

    /**
     * Every cluster (of {@code clusterSize} bytes, a power of two from 512 to 2 MiB) in which the two disks read
     * differently, the smaller reading as zeros past its end; for drawing the differences on a map. Ranges both
     * maps call zero are not read.
     */
    public static Differences differences(VirtualDisk a, VirtualDisk b, int clusterSize, ProgressListener progress,
                                          BooleanSupplier cancelled) throws IOException {
        if (clusterSize < SECTOR || Integer.bitCount(clusterSize) != 1 || clusterSize > (2 << 20)) {
            throw new IllegalArgumentException("cluster size " + clusterSize);
        }
        long end = Math.max(a.size(), b.size());
        int chunk = Math.max(CHUNK, clusterSize);
        ByteBuffer bufA = ByteBuffer.allocate(chunk);
        ByteBuffer bufB = ByteBuffer.allocate(chunk);
        List<Differences.Range> ranges = new ArrayList<>();
        long clusters = 0;
        long runStart = -1;
        long runEnd = -1;
        boolean truncated = false;
        for (long offset = 0; offset < end; offset += chunk) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("compare cancelled");
            }
            int length = (int) Math.min(chunk, end - offset);
            if (readsZero(a, offset, length) && readsZero(b, offset, length)) {
                progress.onProgress("comparing", offset + length, end);
                continue;
            }
            read(a, offset, bufA.clear().limit(length));
            read(b, offset, bufB.clear().limit(length));
            for (int at = 0; at < length; at += clusterSize) {
                int n = Math.min(clusterSize, length - at);
                if (bufA.slice(at, n).mismatch(bufB.slice(at, n)) < 0) {
                    continue;
                }
                clusters++;
                long start = offset + at;
                if (start == runEnd) {
                    runEnd = start + n;
                    continue;
                }
                if (runStart >= 0 && !(truncated = ranges.size() >= MAX_RANGES)) {
                    ranges.add(new Differences.Range(runStart, runEnd));
                }
                runStart = start;
                runEnd = start + n;
            }
            progress.onProgress("comparing", offset + length, end);
        }
        if (runStart >= 0 && !(truncated = truncated || ranges.size() >= MAX_RANGES)) {
            ranges.add(new Differences.Range(runStart, runEnd));
        }
        return new Differences(clusterSize, ranges, clusters, truncated);
    }

    /**
     * Strict mode as qemu-img compare -s walks it: chunk by chunk, each chunk as long as both block statuses
     * hold (at most 2 MiB where contents are read); the whole status words must be equal at each chunk's start;
     * contents are compared where both are allocated, skipped where both read as zeros.
     */
    private static CompareResult strict(VirtualDisk a, VirtualDisk b, BlockStatus statusA, BlockStatus statusB,
                                        ProgressListener progress, BooleanSupplier cancelled) throws IOException {
        long end = a.size();
        ByteBuffer bufA = ByteBuffer.allocate(IO_BUF_SIZE);
        ByteBuffer bufB = ByteBuffer.allocate(IO_BUF_SIZE);
        long offset = 0;
        while (offset < end) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("compare cancelled");
            }
            BlockStatus.Run runA = statusA.at(offset);
            BlockStatus.Run runB = statusB.at(offset);
            if (runA.flags() != runB.flags()) {
                return new CompareResult(false, offset, true);
            }
            long chunk = Math.min(runA.length(), runB.length());
            if (!(runA.zero() && runB.zero()) && runA.allocated()) {
                chunk = Math.min(chunk, IO_BUF_SIZE);
                long at = firstDifference(a, b, offset, (int) chunk, bufA, bufB);
                if (at >= 0) {
                    return new CompareResult(false, at, false);
                }
            }
            offset += chunk;
            progress.onProgress("comparing", offset, end);
        }
        return new CompareResult(false, -1, false);
    }

    /** Whether the map says the whole range reads as zeros (past the disk's end counts as zeros). */
    static boolean readsZero(VirtualDisk disk, long offset, long length) throws IOException {
        long end = Math.min(offset + length, disk.size());
        long at = offset;
        while (at < end) {
            List<MapEntry> extents = disk.map(at, end - at);
            for (MapEntry e : extents) {
                if (!e.zero()) {
                    return false;
                }
                at = e.end();
            }
        }
        return true;
    }

    private static long firstDifference(VirtualDisk a, VirtualDisk b, long offset, int length, ByteBuffer bufA,
                                        ByteBuffer bufB) throws IOException {
        read(a, offset, bufA.clear().limit(length));
        read(b, offset, bufB.clear().limit(length));
        int mismatch = bufA.flip().mismatch(bufB.flip());
        return mismatch < 0 ? -1 : offset + (mismatch / SECTOR) * (long) SECTOR;
    }

    /** Reads what lies inside the disk and zero-fills the rest. */
    static void read(VirtualDisk disk, long offset, ByteBuffer dst) throws IOException {
        long inside = Math.max(0, Math.min(dst.remaining(), disk.size() - offset));
        if (inside > 0) {
            int limit = dst.limit();
            dst.limit(dst.position() + (int) inside);
            disk.read(offset, dst);
            dst.limit(limit);
        }
        while (dst.hasRemaining()) {
            dst.put((byte) 0);
        }
    }

    /** Strict mode: the first offset where one disk allocates and the other does not. */
    private static long firstStatusMismatch(VirtualDisk a, VirtualDisk b, long offset, int length) throws IOException {
        long at = offset;
        long end = offset + length;
        while (at < end) {
            MapEntry ea = a.map(at, end - at).get(0);
            MapEntry eb = b.map(at, end - at).get(0);
            if (ea.present() != eb.present()) {
                return at;
            }
            at = Math.min(ea.end(), eb.end());
        }
        return -1;
    }
}
