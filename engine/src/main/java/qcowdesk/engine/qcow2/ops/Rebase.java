package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.tools.ProgressListener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * {@code qemu-img rebase}. Safe mode (the default) first copies into the image every cluster it leaves to its
 * backing chain whose contents differ between the old chain and the new backing file, so the guest sees the same
 * disk afterwards, and only then rewrites the header; unsafe mode ({@code -u}) rewrites the header only. A crash
 * before the header write leaves the old chain with some clusters copied up (the same data); after it, the new.
 */
public final class Rebase {

    private Rebase() {
    }

    /**
     * @param newName   the new backing file name as stored in the image (relative to its directory), null for none
     * @param newFormat its format, null to probe it
     */
    public static void run(Path image, String newName, DiskFormat newFormat, boolean unsafe, ProgressListener progress,
                           BooleanSupplier cancelled) throws IOException {
        Path directory = image.toAbsolutePath().getParent();
        Path newBacking = newName == null ? null : directory.resolve(newName);
        if (newBacking != null && !Files.exists(newBacking)) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "Could not open new backing file '" + newBacking
                    + "': No such file or directory");
        }
        DiskFormat format = newBacking == null ? null : newFormat != null ? newFormat : DiskFormat.probe(newBacking);
        if (!unsafe) {
            try (Qcow2Image top = Exclusive.open(image)) {
                if (top.header().hasBackingFile()) {
                    Chain.of(image).requireUnchangedBacking();
                }
                try (VirtualDisk target = newBacking == null ? null : Inputs.open(newBacking, format)) {
                    copyWhatDiffers(top, target, progress, cancelled);
                }
                top.flush();
            }
        }
        try {
            Qcow2Image.setBackingFile(image, newName, format == null ? null : format.formatName());
        } catch (EngineException e) {
            throw Exclusive.explain(e, image);
        }
    }

    private static void copyWhatDiffers(Qcow2Image top, VirtualDisk target, ProgressListener progress,
                                        BooleanSupplier cancelled) throws IOException {
        int cs = top.clusterSize();
        long size = top.size();
        int batch = Math.max(cs, (4 << 20) / cs * cs);
        ByteBuffer old = ByteBuffer.allocate(batch);
        ByteBuffer fresh = ByteBuffer.allocate(batch);
        for (long offset = 0; offset < size; offset += batch) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("rebase cancelled; the image still uses its old backing file");
            }
            int length = (int) Math.min(batch, size - offset);
            boolean[] own = ownClusters(top, offset, length, cs);
            Compare.read(top, offset, old.clear().limit(length));
            if (target == null) {
                fresh.clear().limit(length);
                fresh.put(new byte[length]).clear().limit(length);
            } else {
                Compare.read(target, offset, fresh.clear().limit(length));
            }
            for (int i = 0; i < own.length; i++) {
                int at = i * cs;
                int n = Math.min(cs, length - at);
                if (!own[i] && !old.slice(at, n).equals(fresh.slice(at, n))) {
                    top.write(offset + at, old.slice(at, n));
                }
            }
            progress.onProgress("rebasing", offset + length, size);
        }
    }

    /** Per cluster: wholly allocated in the image itself (so the backing file does not show through). */
    private static boolean[] ownClusters(VirtualDisk top, long offset, int length, int cs) throws IOException {
        int clusters = (length + cs - 1) / cs;
        boolean[] own = new boolean[clusters];
        java.util.Arrays.fill(own, true);
        long at = offset;
        long end = offset + length;
        while (at < end) {
            List<MapEntry> extents = top.map(at, end - at);
            for (MapEntry e : extents) {
                if (!(e.present() && e.depth() == 0)) {
                    for (long c = (e.start() - offset) / cs; c <= (e.end() - 1 - offset) / cs; c++) {
                        own[(int) c] = false;
                    }
                }
                at = e.end();
            }
        }
        return own;
    }
}
