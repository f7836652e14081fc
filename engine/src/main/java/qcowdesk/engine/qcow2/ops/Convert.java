package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.tools.CreateOptions;
import qcowdesk.engine.qcow2.tools.ProgressListener;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CancellationException;
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
        requireWritableName(destination);
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

    /**
     * Refuses a destination that names a directory, or lies in a directory that does not exist, in terms of the
     * name the user gave (the hidden temporary name would otherwise be the one reported), before any reading.
     */
    private static void requireWritableName(Path destination) throws EngineException {
        Path parent = destination.toAbsolutePath().getParent();
        if (Files.isDirectory(destination)) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "cannot create " + destination + ": it is a directory");
        }
        if (parent != null && !Files.isDirectory(parent)) {
            throw new EngineException(ErrorCode.IO, "cannot create " + destination + ": there is no directory "
                    + parent);
        }
    }

    private void toQcow2(Path temporary, VirtualDisk backing) throws IOException {
        CreateOptions target = request.target().withVirtualSize(source.size());
        boolean v3 = target.version() >= 3;
        int threads = request.compress() ? Math.max(1, request.threads()) : 0;
        try (ClusterSink sink = new ClusterSink(temporary, target, threads)) {
            ByteBuffer src = ByteBuffer.allocate(batchSize());
            ByteBuffer base = backing == null ? null : ByteBuffer.allocate(batchSize());
            long size = source.size();
            for (long offset = 0; offset < size; offset += src.capacity()) {
                checkCancelled();
                int length = (int) Math.min(src.capacity(), size - offset);
                boolean sourceZero = Compare.readsZero(source, offset, length);
                boolean backingZero = backing == null || Compare.readsZero(backing, offset, length);
                if (!(sourceZero && backingZero)) {
                    Compare.read(source, offset, src.clear().limit(roundUp(length)));
                    if (base != null) {
                        Compare.read(backing, offset, base.clear().limit(roundUp(length)));
                    }
                    for (int at = 0; at < length; at += cs) {
                        long cluster = (offset + at) / cs;
                        boolean zero = Zeros.isZero(src, at, cs);
                        if (base != null && src.slice(at, cs).equals(base.slice(at, cs)) || zero && base == null) {
                            continue; // reads the same without being stored
                        }
                        if (zero && v3) {
                            sink.zero(cluster);
                        } else {
                            byte[] copy = new byte[cs];
                            src.get(at, copy);
                            sink.data(cluster, copy, request.compress() && !zero);
                        }
                    }
                }
                progress.onProgress("converting", offset + length, size);
            }
            checkCancelled();
            sink.finish();
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
