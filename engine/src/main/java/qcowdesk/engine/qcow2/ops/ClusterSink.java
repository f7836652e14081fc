package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.tools.CreateOptions;
import qcowdesk.engine.qcow2.tools.ImageBuilder;
import qcowdesk.engine.support.DaemonThreads;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Feeds an {@link ImageBuilder} in guest order while clusters to be compressed are compressed on a pool of
 * threads: each cluster is queued as it is decided, compressed in parallel, and stored when it reaches the head of
 * a bounded queue, so the output is deterministic and memory stays at a few clusters per thread.
 */
final class ClusterSink implements Closeable {

    /** What to store for one guest cluster, possibly still being compressed. */
    private record Item(long cluster, CompletableFuture<byte[]> compressed, byte[] data, boolean zero) {
    }

    private final ImageBuilder builder;
    private final ExecutorService pool;
    private final ThreadLocal<ClusterCompressor> compressors;
    private final ArrayDeque<Item> pending = new ArrayDeque<>();
    private final int window;

    ClusterSink(Path file, CreateOptions options, int threads) throws IOException {
        this.builder = ImageBuilder.create(file, options);
        this.pool = threads == 0 ? null : Executors.newFixedThreadPool(threads, DaemonThreads.numbered("compress"));
        this.compressors = ThreadLocal.withInitial(
                () -> new ClusterCompressor(options.compressionType(), options.clusterSize()));
        this.window = Math.max(8, threads * 16);
    }

    /** Stores a cluster of data ({@code data} is kept; the caller must not reuse it), compressed when asked. */
    void data(long cluster, byte[] data, boolean compress) throws IOException {
        if (compress && pool == null) {
            throw new IllegalStateException("no compression threads");
        }
        CompletableFuture<byte[]> compressed = compress
                ? CompletableFuture.supplyAsync(() -> compressOne(data), pool) : null;
        queue(new Item(cluster, compressed, data, false));
    }

    void zero(long cluster) throws IOException {
        queue(new Item(cluster, null, null, true));
    }

    /** Stores everything queued and completes the image. */
    void finish() throws IOException {
        while (!pending.isEmpty()) {
            store(pending.removeFirst());
        }
        builder.finish();
    }

    @Override
    public void close() throws IOException {
        if (pool != null) {
            pool.shutdownNow();
        }
        builder.close();
    }

    private void queue(Item item) throws IOException {
        pending.add(item);
        while (pending.size() > window) {
            store(pending.removeFirst());
        }
    }

    private byte[] compressOne(byte[] cluster) {
        ClusterCompressor c = compressors.get();
        int n = c.compress(cluster);
        return n < 0 ? null : Arrays.copyOf(c.output(), n);
    }

    private void store(Item item) throws IOException {
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
                throw new CancellationException("interrupted");
            } catch (ExecutionException e) {
                throw new EngineException(ErrorCode.IO, "compression failed: " + e.getCause(), e.getCause());
            }
        }
        if (compressed != null) {
            builder.writeCompressed(item.cluster(), compressed, compressed.length);
        } else {
            builder.writeData(item.cluster(), ByteBuffer.wrap(item.data()));
        }
    }
}
