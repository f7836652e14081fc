package qcowdesk.engine.contents.ext;

import java.io.IOException;

import qcowdesk.engine.contents.io.BlockCache;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.io.Le;

/** One block group's descriptor: where its bitmaps and inode table are. */
record GroupDescriptor(long group, long blockBitmap, long inodeBitmap, long inodeTable, int flags) {

    static final int BLOCK_UNINIT = 0x2;
    static final int INODE_UNINIT = 0x1;

    /** Reads group {@code g}'s descriptor through the cache (descriptors live in ordinary blocks). */
    static GroupDescriptor read(ExtSuperblock sb, BlockCache cache, long g) throws IOException {
        if (g < 0 || g >= sb.groupCount()) {
            throw new ContentsException("block group " + g + " does not exist (" + sb.groupCount() + " groups)");
        }
        int perBlock = sb.blockSize() / sb.descSize();
        long block;
        if (sb.has(ExtSuperblock.INCOMPAT_META_BG) && g / perBlock >= sb.firstMetaBg()) {
            // meta_bg: each group of perBlock groups keeps its descriptors in its own first group's block
            long metaGroupFirst = g / perBlock * perBlock;
            block = sb.groupFirstBlock(metaGroupFirst) + (sb.hasSuperblockCopy(metaGroupFirst) ? 1 : 0);
        } else {
            block = sb.firstDataBlock() + 1 + g / perBlock;
        }
        byte[] b = cache.block(block);
        int at = (int) (g % perBlock) * sb.descSize();
        boolean wide = sb.descSize() >= 64;
        long blockBitmap = Le.u32(b, at) | (wide ? Le.u32(b, at + 0x20) << 32 : 0);
        long inodeBitmap = Le.u32(b, at + 4) | (wide ? Le.u32(b, at + 0x24) << 32 : 0);
        long inodeTable = Le.u32(b, at + 8) | (wide ? Le.u32(b, at + 0x28) << 32 : 0);
        long tableBlocks = (sb.inodesPerGroup() * sb.inodeSize() + sb.blockSize() - 1) / sb.blockSize();
        if (inodeTable == 0 || inodeTable + tableBlocks > sb.blocksCount()) {
            throw new ContentsException("block group " + g + ": inode table at block " + inodeTable
                    + " is outside the filesystem");
        }
        return new GroupDescriptor(g, blockBitmap, inodeBitmap, inodeTable, Le.u16(b, at + 0x12));
    }
}
