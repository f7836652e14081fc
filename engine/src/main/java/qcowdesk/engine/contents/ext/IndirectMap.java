package qcowdesk.engine.contents.ext;

import java.io.IOException;
import java.util.function.Consumer;

import qcowdesk.engine.contents.io.BlockCache;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.io.Le;

/**
 * The ext2/3 block map: twelve direct block numbers, then single, double and triple indirect blocks. The depth is
 * fixed by the format, so a lookup cannot loop; walks stop at the file's last block.
 */
final class IndirectMap implements BlockMapping {

    private static final int DIRECT = 12;

    private final byte[] iBlock;
    private final BlockCache cache;
    private final long blocksCount;
    private final long inode;
    private final long perBlock;
    private final long fileBlocks;

    IndirectMap(byte[] iBlock, BlockCache cache, long blocksCount, long inode, long fileBlocks) {
        this.iBlock = iBlock;
        this.cache = cache;
        this.blocksCount = blocksCount;
        this.inode = inode;
        this.perBlock = cache.blockSize() / 4;
        this.fileBlocks = fileBlocks;
    }

    @Override
    public Run find(long logical, long limit) throws IOException {
        long first = physical(logical);
        long n = 1;
        while (n < limit && n < 4096 && logical + n < fileBlocks) {
            long p = physical(logical + n);
            if (first == 0 ? p != 0 : p != first + n) {
                break;
            }
            n++;
        }
        return new Run(logical, first == 0 ? Run.HOLE : first, n, false);
    }

    /** The physical block of logical block {@code l}, 0 for a hole. */
    private long physical(long l) throws IOException {
        if (l < DIRECT) {
            return check(Le.u32(iBlock, (int) l * 4), "direct block " + l);
        }
        l -= DIRECT;
        int level = 1;
        long span = perBlock;
        while (l >= span) {
            l -= span;
            level++;
            if (level > 3) {
                throw new ContentsException("inode " + inode + ": block " + l + " is beyond the triple indirect map");
            }
            span *= perBlock;
        }
        long block = check(Le.u32(iBlock, (DIRECT + level - 1) * 4), "indirect block");
        for (int depth = level; depth > 0 && block != 0; depth--) {
            span /= perBlock;
            long index = l / span;
            l %= span;
            block = check(Le.u32(cache.block(block), (int) index * 4), "indirect entry");
        }
        return block;
    }

    private long check(long block, String what) throws ContentsException {
        if (block >= blocksCount) {
            throw new ContentsException("inode " + inode + ": " + what + " points at block " + block
                    + ", outside the filesystem");
        }
        return block;
    }

    @Override
    public void walk(Consumer<Run> data, Consumer<Long> meta) throws IOException {
        long[] next = {0};
        Run[] pending = {null};
        Consumer<long[]> emit = lp -> {
            Run p = pending[0];
            if (p != null && p.physical() + p.length() == lp[1] && p.logical() + p.length() == lp[0]) {
                pending[0] = new Run(p.logical(), p.physical(), p.length() + 1, false);
            } else {
                if (p != null) {
                    data.accept(p);
                }
                pending[0] = new Run(lp[0], lp[1], 1, false);
            }
        };
        for (int i = 0; i < DIRECT && next[0] < fileBlocks; i++, next[0]++) {
            long b = check(Le.u32(iBlock, i * 4), "direct block " + i);
            if (b != 0) {
                emit.accept(new long[] {next[0], b});
            }
        }
        long span = perBlock;
        for (int level = 1; level <= 3 && next[0] < fileBlocks; level++, span *= perBlock) {
            long b = check(Le.u32(iBlock, (DIRECT + level - 1) * 4), "indirect block");
            if (b == 0) {
                next[0] += span;
                continue;
            }
            walkIndirect(b, level, span, next, emit, meta);
        }
        if (pending[0] != null) {
            data.accept(pending[0]);
        }
    }

    private void walkIndirect(long block, int level, long span, long[] next, Consumer<long[]> emit,
                              Consumer<Long> meta) throws IOException {
        meta.accept(block);
        byte[] b = cache.block(block);
        long childSpan = span / perBlock;
        for (int i = 0; i < perBlock && next[0] < fileBlocks; i++) {
            long child = check(Le.u32(b, i * 4), "indirect entry");
            if (child == 0) {
                next[0] += childSpan;
            } else if (level == 1) {
                emit.accept(new long[] {next[0], child});
                next[0]++;
            } else {
                walkIndirect(child, level - 1, childSpan, next, emit, meta);
            }
        }
    }
}
