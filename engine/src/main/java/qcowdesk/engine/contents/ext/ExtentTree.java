package qcowdesk.engine.contents.ext;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

import qcowdesk.engine.contents.io.BlockCache;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.io.Le;

/**
 * An ext4 extent tree: a 12-byte header and up to four entries in the inode, deeper levels in blocks of their own.
 * Each level must be one shallower than its parent (so a lookup cannot loop) and a walk refuses a node reached
 * twice (so a tree made into a graph cannot multiply the work).
 */
final class ExtentTree implements BlockMapping {

    static final int MAGIC = 0xf30a;
    static final int MAX_DEPTH = 5;
    private static final int UNINIT_MAX = 32768;

    private final byte[] root;
    private final BlockCache cache;
    private final long blocksCount;
    private final long inode;

    ExtentTree(byte[] iBlock, BlockCache cache, long blocksCount, long inode) {
        this.root = iBlock;
        this.cache = cache;
        this.blocksCount = blocksCount;
        this.inode = inode;
    }

    private int header(byte[] node, int expectDepth, String where) throws ContentsException {
        if (Le.u16(node, 0) != MAGIC) {
            throw broken(where + ": no extent header magic");
        }
        int entries = Le.u16(node, 2);
        int depth = Le.u16(node, 6);
        if (12 + entries * 12 > node.length) {
            throw broken(where + ": " + entries + " entries do not fit in " + node.length + " bytes");
        }
        if (depth > MAX_DEPTH || (expectDepth >= 0 && depth != expectDepth)) {
            throw broken(where + ": depth " + depth + (expectDepth >= 0 ? ", expected " + expectDepth : ""));
        }
        return entries;
    }

    @Override
    public Run find(long logical, long limit) throws IOException {
        byte[] node = root;
        int depth = Le.u16(node, 6);
        String where = "extent tree root";
        int entries = header(node, -1, where);
        while (depth > 0) {
            int pick = -1;
            for (int i = 0; i < entries; i++) {
                if (Le.u32(node, 12 + i * 12) <= logical) {
                    pick = i;
                } else {
                    break;
                }
            }
            if (pick < 0) {
                long next = entries > 0 ? Le.u32(node, 12) : logical + limit;
                return new Run(logical, Run.HOLE, Math.max(1, Math.min(limit, next - logical)), false);
            }
            int at = 12 + pick * 12;
            long child = Le.u32(node, at + 4) | (long) Le.u16(node, at + 8) << 32;
            long nextIndex = pick + 1 < entries ? Le.u32(node, 12 + (pick + 1) * 12) : Long.MAX_VALUE;
            limit = Math.min(limit, nextIndex - logical);
            node = nodeBlock(child, where);
            where = "extent tree node at block " + child;
            depth--;
            entries = header(node, depth, where);
        }
        long nextStart = Long.MAX_VALUE;
        for (int i = 0; i < entries; i++) {
            int at = 12 + i * 12;
            long start = Le.u32(node, at);
            int len = Le.u16(node, at + 4);
            boolean uninit = len > UNINIT_MAX;
            if (uninit) {
                len -= UNINIT_MAX;
            }
            if (logical >= start && logical < start + len) {
                long physical = (long) Le.u16(node, at + 6) << 32 | Le.u32(node, at + 8);
                long offset = logical - start;
                checkPhysical(physical, len, where);
                return new Run(logical, physical + offset, Math.min(limit, len - offset), uninit);
            }
            if (start > logical) {
                nextStart = Math.min(nextStart, start);
            }
        }
        return new Run(logical, Run.HOLE, Math.max(1, Math.min(limit, nextStart - logical)), false);
    }

    @Override
    public void walk(Consumer<Run> data, Consumer<Long> meta) throws IOException {
        walk(root, -1, "extent tree root", data, meta, new HashSet<>());
    }

    private void walk(byte[] node, int expectDepth, String where, Consumer<Run> data, Consumer<Long> meta,
                      Set<Long> seen) throws IOException {
        int entries = header(node, expectDepth, where);
        int depth = Le.u16(node, 6);
        for (int i = 0; i < entries; i++) {
            int at = 12 + i * 12;
            if (depth > 0) {
                long child = Le.u32(node, at + 4) | (long) Le.u16(node, at + 8) << 32;
                if (!seen.add(child)) {
                    throw broken(where + ": extent tree node at block " + child + " is reached twice (a loop)");
                }
                meta.accept(child);
                walk(nodeBlock(child, where), depth - 1, "extent tree node at block " + child, data, meta, seen);
            } else {
                int len = Le.u16(node, at + 4);
                boolean uninit = len > UNINIT_MAX;
                if (uninit) {
                    len -= UNINIT_MAX;
                }
                long physical = (long) Le.u16(node, at + 6) << 32 | Le.u32(node, at + 8);
                checkPhysical(physical, len, where);
                data.accept(new Run(Le.u32(node, at), physical, len, uninit));
            }
        }
    }

    private byte[] nodeBlock(long block, String where) throws IOException {
        if (block == 0 || block >= blocksCount) {
            throw broken(where + " points at block " + block + ", outside the filesystem");
        }
        return cache.block(block);
    }

    private void checkPhysical(long physical, long len, String where) throws ContentsException {
        if (physical == 0 || physical + len > blocksCount) {
            throw broken(where + ": extent of " + len + " blocks at block " + physical
                    + " is outside the filesystem");
        }
    }

    private ContentsException broken(String what) {
        return new ContentsException("inode " + inode + ": " + what);
    }
}
