package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.tools.CheckReport;
import qcowdesk.engine.qcow2.tools.CreateOptions;
import qcowdesk.engine.qcow2.tools.ImageChecker;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.engine.qcow2.tools.ProgressListener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * {@code qcowctl compact}: rewrites an image so that its file holds only what the guest needs. Data clusters that
 * hold only zeros are dropped (no backing file: they read as zeros anyway) or become zero clusters (version 3 over a
 * backing file, which they must keep masking); clusters the image leaves to its backing file stay unallocated;
 * compressed clusters are compressed again; free and leaked clusters disappear.
 *
 * <p>Safety: the image is held with its write lock for the whole run; the new file is built beside it under a
 * temporary name, checked ({@link ImageChecker}) and compared with the original, given the original's mode and
 * owner, synced, and only then renamed over the original. A crash or cancel at any point leaves the original as
 * it was. Images with internal snapshots, persistent bitmaps or an external data file are refused: the rewrite
 * would drop them.
 */
public final class Compact {

    private Compact() {
    }

    /** Compacts {@code image}; with {@code dryRun} the result is built and verified, then discarded. */
    public static CompactResult run(Path given, boolean dryRun, ProgressListener progress, BooleanSupplier cancelled)
            throws IOException {
        Path image = given.toRealPath(); // a symbolic link stays one: its target is replaced
        refuseWhatWouldBeLost(image);
        long oldSize = Files.size(image);
        Path temporary = TemporaryFiles.beside(image);
        try (Qcow2Image original = Exclusive.open(image)) {
            Plan plan = build(original, temporary, progress, cancelled);
            progress.onProgress("verifying", 0, 1);
            verify(original, temporary, cancelled);
            long newSize = Files.size(temporary);
            CompactResult result = new CompactResult(oldSize, newSize, plan.zeroDataClusters(),
                    original.clusterSize());
            if (!dryRun) {
                replace(image, temporary);
            }
            return result;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private record Plan(long zeroDataClusters) {
    }

    private static void refuseWhatWouldBeLost(Path image) throws EngineException {
        ImageInfo info = ImageInfo.of(image);
        if (info.snapshots() != null && !info.snapshots().isEmpty()) {
            throw new EngineException(ErrorCode.UNSUPPORTED, image + " has " + info.snapshots().size()
                    + " internal snapshot(s); compact would drop them: delete them first (qcowctl snapshot -d)");
        }
        ImageInfo.Qcow2Data data = info.formatSpecific().data();
        if (data.bitmaps() != null && !data.bitmaps().isEmpty()) {
            throw new EngineException(ErrorCode.UNSUPPORTED, image + " has persistent dirty bitmaps; compact would "
                    + "drop them");
        }
        if (data.dataFile() != null) {
            throw new EngineException(ErrorCode.UNSUPPORTED, image + " keeps its data in an external file ("
                    + data.dataFile() + "); compact works on images that hold their data");
        }
    }

    static CreateOptions sameOptions(Qcow2Header h) {
        return CreateOptions.of(h.size()).withClusterSize(h.clusterSize()).withVersion(h.version())
                .withRefcountBits(h.refcountBits())
                .withBacking(h.hasBackingFile() ? h.backingFile() : null,
                        h.hasBackingFile() ? h.backingFormat().orElse(null) : null)
                .withExtendedL2(h.hasExtendedL2()).withLazyRefcounts(h.lazyRefcounts())
                .withCompressionType(h.compressionType());
    }

    private static Plan build(Qcow2Image image, Path temporary, ProgressListener progress, BooleanSupplier cancelled)
            throws IOException {
        Qcow2Header header = image.header();
        CreateOptions options = sameOptions(header);
        int cs = image.clusterSize();
        boolean backing = header.hasBackingFile();
        boolean v3 = header.version() >= 3;
        long size = image.size();
        long zeroData = 0;
        int batch = Math.max(cs, (4 << 20) / cs * cs);
        ByteBuffer buf = ByteBuffer.allocate(batch);
        try (ClusterSink sink = new ClusterSink(temporary, options, ConvertRequest.defaultThreads())) {
            for (long offset = 0; offset < size; offset += batch) {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("compact cancelled; the image was left as it was");
                }
                int length = (int) Math.min(batch, size - offset);
                int clusters = (length + cs - 1) / cs;
                ClusterState[] states = states(image, offset, length, cs, clusters);
                boolean anyData = false;
                for (ClusterState s : states) {
                    anyData |= s.data;
                }
                if (anyData) {
                    Compare.read(image, offset, buf.clear().limit(clusters * cs));
                }
                for (int i = 0; i < clusters; i++) {
                    ClusterState s = states[i];
                    long cluster = offset / cs + i;
                    if (!s.top) {
                        continue;
                    }
                    boolean zero = !s.data || Zeros.isZero(buf, i * cs, cs);
                    if (s.data && zero) {
                        zeroData++;
                    }
                    if (zero && !backing) {
                        continue;
                    }
                    if (zero && v3) {
                        sink.zero(cluster);
                    } else {
                        byte[] copy = new byte[cs];
                        buf.get(i * cs, copy);
                        sink.data(cluster, copy, s.compressed && !zero);
                    }
                }
                progress.onProgress("compacting", offset + length, size);
            }
            sink.finish();
        }
        return new Plan(zeroData);
    }

    /** Per cluster: allocated in this image at all, holding data there, compressed. */
    private static final class ClusterState {
        boolean top;
        boolean data;
        boolean compressed;
    }

    private static ClusterState[] states(VirtualDisk image, long offset, int length, int cs, int clusters)
            throws IOException {
        ClusterState[] states = new ClusterState[clusters];
        for (int i = 0; i < clusters; i++) {
            states[i] = new ClusterState();
        }
        long at = offset;
        long end = offset + length;
        while (at < end) {
            List<MapEntry> extents = image.map(at, end - at);
            for (MapEntry e : extents) {
                if (e.present() && e.depth() == 0) {
                    for (long c = (e.start() - offset) / cs; c <= (e.end() - 1 - offset) / cs; c++) {
                        ClusterState s = states[(int) c];
                        s.top = true;
                        s.data |= !e.zero();
                        s.compressed |= e.compressed();
                    }
                }
                at = e.end();
            }
        }
        return states;
    }

    /** The new file must check clean and read exactly as the original. */
    private static void verify(Qcow2Image original, Path temporary, BooleanSupplier cancelled) throws IOException {
        CheckReport check = ImageChecker.check(temporary, ProgressListener.NONE);
        if (!check.isClean()) {
            throw new EngineException(ErrorCode.IO, "the compacted image did not check clean (" + check
                    + "); the original was left as it was");
        }
        try (Qcow2Image rebuilt = Qcow2Image.open(temporary, OpenOptions.readOnly())) {
            CompareResult same = Compare.of(original, rebuilt, false, ProgressListener.NONE, cancelled);
            if (!same.identical()) {
                throw new EngineException(ErrorCode.IO, "the compacted image differs from the original at offset "
                        + same.mismatchOffset() + "; the original was left as it was");
            }
        }
    }

    /** Gives the new file the original's mode and owner, makes it durable, and renames it over the original. */
    static void replace(Path original, Path replacement) throws IOException {
        Files.setPosixFilePermissions(replacement, Files.getPosixFilePermissions(original, LinkOption.NOFOLLOW_LINKS));
        Object uid = Files.getAttribute(original, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object gid = Files.getAttribute(original, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        if (!uid.equals(Files.getAttribute(replacement, "unix:uid"))
                || !gid.equals(Files.getAttribute(replacement, "unix:gid"))) {
            Files.setAttribute(replacement, "unix:uid", uid);
            Files.setAttribute(replacement, "unix:gid", gid);
        }
        try (FileChannel file = FileChannel.open(replacement, StandardOpenOption.WRITE)) {
            file.force(true);
        }
        Files.move(replacement, original, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(original.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true); // the rename itself survives a crash
        }
    }
}
