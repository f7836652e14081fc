package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.engine.qcow2.tools.Qcow2Creator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * {@code qemu-img commit}: writes what an overlay holds into its (QCOW2) backing file, then empties the overlay
 * unless asked to keep it. While the backing file is being written the overlay still covers every cluster it
 * holds, so a crash changes nothing the guest sees; the overlay is emptied only once the backing file is durable,
 * by renaming an empty overlay built beside it over it.
 */
public final class Commit {

    private Commit() {
    }

    public static void run(Path overlay, boolean keepOverlay, ProgressListener progress, BooleanSupplier cancelled)
            throws IOException {
        Chain chain = Chain.of(overlay);
        if (chain.backingFormat() != DiskFormat.QCOW2) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "committing into a " + chain.backingFormat().formatName()
                    + " backing file is not available; only into qcow2");
        }
        chain.requireUnchangedBacking();
        long size = chain.info().virtualSize();
        if (ImageInfo.of(chain.backing()).virtualSize() < size) {
            try {
                Qcow2Image.resize(chain.backing(), size, false);
            } catch (EngineException e) {
                throw Exclusive.explain(e, chain.backing());
            }
        }
        Path empty = keepOverlay ? null : TemporaryFiles.beside(overlay);
        try (Qcow2Image top = Exclusive.open(overlay)) {
            try (Qcow2Image base = Exclusive.open(chain.backing())) {
                copyDown(top, base, progress, cancelled);
                base.flush();
            }
            if (empty != null) {
                Qcow2Creator.create(empty, Compact.sameOptions(top.header()));
                Compact.replace(overlay.toRealPath(), empty);
            }
        } finally {
            if (empty != null) {
                Files.deleteIfExists(empty);
            }
        }
    }

    /** Writes every cluster {@code top} itself holds (depth 0) into {@code base}, at the same guest offset. */
    static void copyDown(Qcow2Image top, Qcow2Image base, ProgressListener progress,
                                 BooleanSupplier cancelled) throws IOException {
        long size = top.size();
        ByteBuffer buf = ByteBuffer.allocate(4 << 20);
        long at = 0;
        while (at < size) {
            List<MapEntry> extents = top.map(at, size - at);
            for (MapEntry e : extents) {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("commit cancelled; the overlay still holds everything");
                }
                if (e.present() && e.depth() == 0) {
                    if (e.zero()) {
                        base.writeZeroes(e.start(), e.length(), false);
                    } else {
                        for (long o = e.start(); o < e.end(); o += buf.capacity()) {
                            int n = (int) Math.min(buf.capacity(), e.end() - o);
                            top.read(o, buf.clear().limit(n));
                            base.write(o, buf.flip());
                        }
                    }
                }
                at = e.end();
                progress.onProgress("committing", at, size);
            }
        }
    }
}
