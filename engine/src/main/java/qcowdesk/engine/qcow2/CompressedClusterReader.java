package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.L2Entry;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.zstd.ZstdDecompressor;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads and decompresses compressed clusters: raw deflate (compression_type 0) or zstd (1). Keeps the last few
 * decompressed clusters, because a guest reading a compressed cluster sector by sector would otherwise
 * decompress it once per sector.
 */
final class CompressedClusterReader {

    private static final int RECENT = 4;
    private static final int ZSTD_MAGIC = 0xFD2FB528;

    private final ImageFile file;
    private final HostLimit limit;
    private final int clusterBits;
    private final int compressionType;
    private final Map<Long, byte[]> recent = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > RECENT;
        }
    };

    CompressedClusterReader(ImageFile file, int clusterBits, int compressionType) throws IOException {
        this.file = file;
        this.limit = HostLimit.ofImageFile(file, 1 << clusterBits);
        this.clusterBits = clusterBits;
        this.compressionType = compressionType;
    }

    /** The decompressed cluster described by {@code entry}. The returned array must not be modified. */
    byte[] read(long entry) throws IOException {
        long key = entry & ~L2Entry.COPIED;
        synchronized (recent) {
            byte[] hit = recent.get(key);
            if (hit != null) {
                return hit;
            }
        }
        long offset = L2Entry.compressedOffset(entry, clusterBits);
        int length = L2Entry.compressedLength(entry, clusterBits);
        limit.require(offset, length, "a compressed cluster");
        byte[] input = file.read(offset, length);
        byte[] cluster = compressionType == Qcow2Header.COMPRESSION_ZSTD ? unzstd(input, offset) : inflate(input, offset);
        synchronized (recent) {
            recent.put(key, cluster);
        }
        return cluster;
    }

    void forget() {
        synchronized (recent) {
            recent.clear();
        }
    }

    private byte[] inflate(byte[] input, long offset) throws EngineException {
        int clusterSize = 1 << clusterBits;
        byte[] out = new byte[clusterSize];
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(input);
            int produced = 0;
            while (produced < clusterSize) {
                int n = inflater.inflate(out, produced, clusterSize - produced);
                if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                produced += n;
            }
            if (produced != clusterSize) {
                throw corrupt(offset, "deflate data yields " + produced + " bytes instead of " + clusterSize);
            }
            return out;
        } catch (DataFormatException e) {
            throw corrupt(offset, "bad deflate data: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    private byte[] unzstd(byte[] input, long offset) throws EngineException {
        int clusterSize = 1 << clusterBits;
        int frameLength = zstdFrameLength(input, offset);
        byte[] out = new byte[clusterSize];
        try {
            int produced = new ZstdDecompressor().decompress(input, 0, frameLength, out, 0, clusterSize);
            if (produced != clusterSize) {
                throw corrupt(offset, "zstd data yields " + produced + " bytes instead of " + clusterSize);
            }
            return out;
        } catch (MalformedInputException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw corrupt(offset, "bad zstd data: " + e.getMessage());
        }
    }

    /**
     * Length of the zstd frame at the start of {@code in}. The stored sectors also hold unrelated bytes after the
     * frame (the next compressed cluster), which a decoder must not see, so the frame is walked block by block.
     */
    private static int zstdFrameLength(byte[] in, long offset) throws EngineException {
        if (in.length < 6 || le32(in, 0) != ZSTD_MAGIC) {
            throw corrupt(offset, "no zstd frame magic");
        }
        int descriptor = in[4] & 0xff;
        int fcsFlag = descriptor >>> 6;
        boolean singleSegment = (descriptor & 0x20) != 0;
        boolean checksum = (descriptor & 0x04) != 0;
        int dictIdSize = new int[]{0, 1, 2, 4}[descriptor & 3];
        int fcsSize = new int[]{singleSegment ? 1 : 0, 2, 4, 8}[fcsFlag];
        int at = 5 + (singleSegment ? 0 : 1) + dictIdSize + fcsSize;
        while (true) {
            if (at + 3 > in.length) {
                throw corrupt(offset, "truncated zstd frame");
            }
            int blockHeader = (in[at] & 0xff) | (in[at + 1] & 0xff) << 8 | (in[at + 2] & 0xff) << 16;
            boolean last = (blockHeader & 1) != 0;
            int type = (blockHeader >>> 1) & 3;
            int size = blockHeader >>> 3;
            if (type == 3) {
                throw corrupt(offset, "reserved zstd block type");
            }
            at += 3 + (type == 1 ? 1 : size);
            if (at > in.length) {
                throw corrupt(offset, "truncated zstd frame");
            }
            if (last) {
                break;
            }
        }
        at += checksum ? 4 : 0;
        if (at > in.length) {
            throw corrupt(offset, "truncated zstd frame");
        }
        return at;
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static EngineException corrupt(long offset, String why) {
        return new EngineException(ErrorCode.INVALID_IMAGE,
                String.format("compressed cluster at host offset 0x%x is corrupt: %s", offset, why));
    }
}
