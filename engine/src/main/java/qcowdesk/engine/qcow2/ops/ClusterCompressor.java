package qcowdesk.engine.qcow2.ops;

import io.airlift.compress.zstd.ZstdCompressor;
import qcowdesk.engine.qcow2.tools.CreateOptions;

import java.util.zip.Deflater;

/**
 * Compresses one guest cluster the way QEMU's qcow2 driver can read it back.
 *
 * <p>Deflate: QEMU inflates with a 4 KiB window (raw deflate, windowBits -12), and java.util.zip always deflates
 * with 32 KiB, which may refer further back than QEMU can follow. A full flush after every 4 KiB of input resets
 * the compressor, so no match reaches past the 4 KiB segment it is in: the stream is valid for both windows.
 * Zstd: one frame, as QEMU's {@code ZSTD_e_end} writes it.
 *
 * <p>One instance per thread: the deflater is reused between clusters.
 */
final class ClusterCompressor {

    private static final int QEMU_WINDOW = 4096;

    private final int compressionType;
    private final int clusterSize;
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final ZstdCompressor zstd = new ZstdCompressor();
    private final byte[] output;

    ClusterCompressor(int compressionType, int clusterSize) {
        this.compressionType = compressionType;
        this.clusterSize = clusterSize;
        this.output = new byte[Math.max(clusterSize * 2, zstd.maxCompressedLength(clusterSize)) + 64];
    }

    /**
     * Compresses a whole cluster ({@code data.length} == cluster size); returns the compressed length, kept in
     * {@link #output()}, or -1 when it would not be shorter than the cluster (QEMU then stores it uncompressed).
     */
    int compress(byte[] data) {
        int n = compressionType == CreateOptions.COMPRESSION_ZSTD ? zstd(data) : deflate(data);
        return n > 0 && n < clusterSize ? n : -1;
    }

    byte[] output() {
        return output;
    }

    private int zstd(byte[] data) {
        return zstd.compress(data, 0, data.length, output, 0, output.length);
    }

    private int deflate(byte[] data) {
        deflater.reset();
        int produced = 0;
        for (int at = 0; at < data.length; at += QEMU_WINDOW) {
            deflater.setInput(data, at, Math.min(QEMU_WINDOW, data.length - at));
            if (at + QEMU_WINDOW >= data.length) {
                deflater.finish();
                while (!deflater.finished()) {
                    if (produced == output.length) {
                        return -1;
                    }
                    produced += deflater.deflate(output, produced, output.length - produced);
                }
            } else {
                int room;
                int n;
                do {
                    room = output.length - produced;
                    if (room == 0) {
                        return -1;
                    }
                    n = deflater.deflate(output, produced, room, Deflater.FULL_FLUSH);
                    produced += n;
                } while (n == room);
            }
        }
        return produced;
    }
}
