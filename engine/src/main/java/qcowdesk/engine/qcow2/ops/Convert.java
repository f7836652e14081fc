package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.tools.CreateOptions;
import qcowdesk.engine.qcow2.tools.ImageBuilder;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.engine.support.DaemonThreads;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * {@code qemu-img convert}: copies a disk's contents into a new image, QCOW2 or raw. Like qemu-img the output is
 * sparse (clusters that read as zeros are not written), {@code compress} stores compressed clusters (compressed on
 * several threads, written in guest order), and with a backing file for the target only the clusters whose
 * contents differ from the backing file's are written.
 *
 * <p>The new image is written under a temporary name beside the destination and renamed over it only when it is
 * complete and synced: a crash or a cancel leaves the destination as it was (and the source is only read).
 */
public final class Convert {

    private static final int BATCH = 4 << 20;

    private final VirtualDisk source;
    private final ConvertRequest request;
    private final ProgressListener progress;
    private final BooleanSupplier cancelled;
    private final int cs;

    private Convert(VirtualDisk source, ConvertRequest request, ProgressListener progress, BooleanSupplier cancelled) {
        this.source = source;
        this.request = request;
        this.progress = progress;
        this.cancelled = cancelled;
        this.cs = request.format() == DiskFormat.QCOW2 ? request.target().clusterSize() : 65536;
    }

    /**
     * Converts {@code source} into {@code destination} (replaced when it exists).
     *
     * @param backing the target's backing file opened for reading (null without -B): clusters equal to it are
     *                left to it
     * @throws CancellationException when {@code cancelled} turned true; nothing was left behind
     */
    public static void run(VirtualDisk source, VirtualDisk backing, Path destination, ConvertRequest request,
                           ProgressListener progress, BooleanSupplier cancelled) throws IOException {
        request.validate();
        Path temporary = TemporaryFiles.beside(destination);
        try {
            Convert convert = new Convert(source, request, progress, cancelled);
            if (request.format() == DiskFormat.RAW) {
                convert.toRaw(temporary);
            } else {
                convert.toQcow2(temporary, backing);
            }
            Files.move(temporary, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    // ----- QCOW2 -------------------------------------------------------------------------------------------------

    /** What to store for one guest cluster, possibly still being compressed. */
    private record Item(long cluster, CompletableFuture<byte[]> compressed, ByteBuffer data, boolean zero) {
    }

    private void toQcow2(Path temporary, VirtualDisk backing) throws IOException {
        CreateOptions target = request.target().withVirtualSize(source.size());
        boolean v3 = target.version() >= 3;
        int threads = request.compress() ? Math.max(1, request.threads()) : 0;
        ExecutorService pool = threads == 0 ? null
                : Executors.newFixedThreadPool(threads, DaemonThreads.numbered("convert-compress"));
        ThreadLocal<ClusterCompressor> compressors = ThreadLocal.withInitial(
                () -> new ClusterCompressor(target.compressionType(), cs));
        ArrayDeque<Item> pending = new ArrayDeque<>();
        int window = Math.max(8, threads * 16);
        try (ImageBuilder builder = ImageBuilder.create(temporary, target)) {
            ByteBuffer src = ByteBuffer.allocate(batchSize());
            ByteBuffer base = backing == null ? null : ByteBuffer.allocate(batchSize());
            long size = source.size();
            for (long offset = 0; offset < size; offset += src.capacity()) {
                checkCancelled();
                int length = (int) Math.min(src.capacity(), size - offset);
                boolean sourceZero = Compare.readsZero(source, offset, length);
                boolean backingZero = backing == null || Compare.readsZero(backing, offset, length);
                if (sourceZero && backingZero) {
                    progress.onProgress("converting", offset + length, size);
                    continue;
                }
                Compare.read(source, offset, src.clear().limit(roundUp(length)));
                if (base != null) {
                    Compare.read(backing, offset, base.clear().limit(roundUp(length)));
                }
                for (int at = 0; at < length; at += cs) {
                    long cluster = (offset + at) / cs;
                    boolean zero = Zeros.isZero(src, at, cs);
                    if (base != null && src.slice(at, cs).equals(base.slice(at, cs))) {
                        continue; // the backing file already reads the same
                    }
                    if (zero && base == null) {
                        continue;
                    }
                    if (zero && v3) {
                        pending.add(new Item(cluster, null, null, true));
                    } else if (pool != null && !zero) {
                        byte[] copy = new byte[cs];
                        src.get(at, copy);
                        pending.add(new Item(cluster, CompletableFuture.supplyAsync(() -> compress(compressors, copy),
                                pool), ByteBuffer.wrap(copy), false));
                    } else {
                        byte[] copy = new byte[cs];
                        src.get(at, copy);
                        pending.add(new Item(cluster, null, ByteBuffer.wrap(copy), false));
                    }
                    while (pending.size() > window) {
                        store(builder, pending.removeFirst());
                    }
                }
                progress.onProgress("converting", offset + length, size);
            }
            while (!pending.isEmpty()) {
                checkCancelled();
                store(builder, pending.removeFirst());
            }
            builder.finish();
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    private static byte[] compress(ThreadLocal<ClusterCompressor> compressors, byte[] cluster) {
        ClusterCompressor c = compressors.get();
        int n = c.compress(cluster);
        return n < 0 ? null : java.util.Arrays.copyOf(c.output(), n);
    }

    private void store(ImageBuilder builder, Item item) throws IOException {
        if (item.zero()) {
            builder.writeZero(item.cluster());
            return;
        }
        byte[] compressed = null;
        if (item.compressed() != null) {
            try {
                compressed = item.compressed().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("convert interrupted");
            } catch (ExecutionException e) {
                throw new EngineException(ErrorCode.IO, "compression failed: " + e.getCause(), e.getCause());
            }
        }
        if (compressed != null) {
            builder.writeCompressed(item.cluster(), compressed, compressed.length);
        } else {
            builder.writeData(item.cluster(), item.data());
        }
    }

    // ----- raw ---------------------------------------------------------------------------------------------------

    private void toRaw(Path temporary) throws IOException {
        long size = source.size();
        Files.createFile(temporary);
        try (RandomAccessFile file = new RandomAccessFile(temporary.toFile(), "rw")) {
            FileChannel out = file.getChannel();
            ByteBuffer src = ByteBuffer.allocate(batchSize());
            for (long offset = 0; offset < size; offset += src.capacity()) {
                checkCancelled();
                int length = (int) Math.min(src.capacity(), size - offset);
                if (!Compare.readsZero(source, offset, length)) {
                    Compare.read(source, offset, src.clear().limit(length));
                    for (int at = 0; at < length; at += cs) {
                        int n = Math.min(cs, length - at);
                        if (!Zeros.isZero(src, at, n)) {
                            ByteBuffer part = src.slice(at, n);
                            long pos = offset + at;
                            while (part.hasRemaining()) {
                                pos += out.write(part, pos);
                            }
                        }
                    }
                }
                progress.onProgress("converting", offset + length, size);
            }
            file.setLength(size); // a zero tail stays a hole
            out.force(true);
        }
    }

    // ----- helpers -----------------------------------------------------------------------------------------------

    private int batchSize() {
        return Math.max(cs, BATCH / cs * cs);
    }

    private int roundUp(int length) {
        return (length + cs - 1) / cs * cs;
    }

    private void checkCancelled() {
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("convert cancelled; the destination was left as it was");
        }
    }
}
