package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.tools.ProgressListener;

import java.io.IOException;
import java.nio.ByteBuffer;
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
