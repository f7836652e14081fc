package qcowdesk.engine.contents.io;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last metadata blocks read from a volume (extent tree nodes, indirect blocks, FAT sectors, group descriptors):
 * a walk touches the same few blocks again and again. Bounded in count; blocks are shared, never modified.
 */
public final class BlockCache {

    private final ByteSource volume;
    private final int blockSize;
    private final Map<Long, byte[]> blocks;

    public BlockCache(ByteSource volume, int blockSize, int capacity) {
        this.volume = volume;
        this.blockSize = blockSize;
        this.blocks = new LinkedHashMap<>(capacity * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Block {@code number} (in units of the cache's block size); the array must not be modified. */
    public byte[] block(long number) throws IOException {
        synchronized (blocks) {
            byte[] b = blocks.get(number);
            if (b != null) {
                return b;
            }
        }
        if (number < 0 || number > volume.size() / blockSize) {
            throw new ContentsException("block " + number + " is outside the volume");
        }
        byte[] b = volume.bytes(number * blockSize, blockSize);
        synchronized (blocks) {
            blocks.put(number, b);
        }
        return b;
    }

    public int blockSize() {
        return blockSize;
    }
}
