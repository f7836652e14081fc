package qcowdesk.engine.contents.ext;

import java.io.IOException;

import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.io.Le;

/** The ext2/3/4 superblock (1024 bytes at byte 1024), the values this reader uses, each checked. */
public record ExtSuperblock(long inodesCount, long blocksCount, long freeBlocks, long firstDataBlock, int blockSize,
                     long blocksPerGroup, long inodesPerGroup, int inodeSize, long compat, long incompat,
                     long roCompat, int descSize, long groupCount, int state, long firstMetaBg, int reservedGdtBlocks,
                            String label, String uuid) {

    static final int OFFSET = 1024;
    static final long COMPAT_HAS_JOURNAL = 0x4;
    static final long INCOMPAT_FILETYPE = 0x2;
    static final long INCOMPAT_RECOVER = 0x4;
    static final long INCOMPAT_JOURNAL_DEV = 0x8;
    static final long INCOMPAT_META_BG = 0x10;
    static final long INCOMPAT_EXTENTS = 0x40;
    static final long INCOMPAT_64BIT = 0x80;
    static final long INCOMPAT_FLEX_BG = 0x200;
    static final long INCOMPAT_INLINE_DATA = 0x8000;
    /** Features whose on-disk layout this reader understands; others are refused by name. */
    private static final long INCOMPAT_KNOWN = INCOMPAT_FILETYPE | INCOMPAT_RECOVER | INCOMPAT_META_BG
            | INCOMPAT_EXTENTS | INCOMPAT_64BIT | 0x100 /* mmp */ | INCOMPAT_FLEX_BG | 0x400 /* ea_inode */
            | 0x2000 /* csum_seed */ | 0x4000 /* large_dir */ | INCOMPAT_INLINE_DATA | 0x10000 /* encrypt */
            | 0x20000 /* casefold */;
    static final long RO_COMPAT_SPARSE_SUPER = 0x1;
    static final long RO_COMPAT_HUGE_FILE = 0x8;
    static final int STATE_CLEAN = 0x1;
    private static final long MAX_GROUPS = 1L << 32;

    public static ExtSuperblock read(ByteSource volume) throws IOException {
        if (!volume.contains(OFFSET, 1024)) {
            throw new ContentsException("volume too small for an ext superblock");
        }
        byte[] b = volume.bytes(OFFSET, 1024);
        if (Le.u16(b, 0x38) != 0xef53) {
            throw new ContentsException(ErrorCode.UNSUPPORTED, "not an ext2/3/4 filesystem (no superblock magic)");
        }
        long logBlock = Le.u32(b, 24);
        if (logBlock > 6) {
            throw new ContentsException("ext superblock: block size 2^(10+" + logBlock + ") is not supported");
        }
        int blockSize = 1024 << logBlock;
        long incompat = Le.u32(b, 0x60);
        if ((incompat & INCOMPAT_JOURNAL_DEV) != 0) {
            throw new ContentsException(ErrorCode.UNSUPPORTED, "this is an external ext journal, not a filesystem");
        }
        long unknown = incompat & ~INCOMPAT_KNOWN;
        if (unknown != 0) {
            throw new ContentsException(ErrorCode.UNSUPPORTED,
                    String.format("ext superblock: incompatible features 0x%x are not supported", unknown));
        }
        boolean is64 = (incompat & INCOMPAT_64BIT) != 0;
        long blocks = Le.u32(b, 4) | (is64 ? Le.u32(b, 0x150) << 32 : 0);
        long free = Le.u32(b, 12) | (is64 ? Le.u32(b, 0x158) << 32 : 0);
        long firstData = Le.u32(b, 20);
        long blocksPerGroup = Le.u32(b, 32);
        long inodesPerGroup = Le.u32(b, 40);
        long revision = Le.u32(b, 0x4c);
        int inodeSize = revision == 0 ? 128 : Le.u16(b, 0x58);
        int descSize = is64 ? Le.u16(b, 0xfe) : 32;
        if (blocksPerGroup == 0 || blocksPerGroup > 8L * blockSize) {
            throw new ContentsException("ext superblock: " + blocksPerGroup + " blocks per group (block size "
                    + blockSize + ")");
        }
        if (inodesPerGroup == 0 || inodesPerGroup > 8L * blockSize) {
            throw new ContentsException("ext superblock: " + inodesPerGroup + " inodes per group");
        }
        if (inodeSize < 128 || inodeSize > blockSize || Integer.bitCount(inodeSize) != 1) {
            throw new ContentsException("ext superblock: inode size " + inodeSize);
        }
        if (descSize < 32 || descSize > 1024 || Integer.bitCount(descSize) != 1) {
            throw new ContentsException("ext superblock: group descriptor size " + descSize);
        }
        if (firstData >= blocks) {
            throw new ContentsException("ext superblock: first data block " + firstData + " of " + blocks);
        }
        long groups = (blocks - firstData + blocksPerGroup - 1) / blocksPerGroup;
        if (groups > MAX_GROUPS) {
            throw new ContentsException("ext superblock: " + groups + " block groups");
        }
        return new ExtSuperblock(Le.u32(b, 0), blocks, free, firstData, blockSize, blocksPerGroup, inodesPerGroup,
                inodeSize, Le.u32(b, 0x5c), incompat, Le.u32(b, 0x64), descSize, groups, Le.u16(b, 0x3a),
                Le.u32(b, 0x104), Le.u16(b, 0xce), Le.cString(b, 0x78, 16), Le.uuid(b, 0x68));
    }

    boolean has(long incompatFlag) {
        return (incompat & incompatFlag) != 0;
    }

    long journalInode(ByteSource volume) throws IOException {
        return (compat & COMPAT_HAS_JOURNAL) == 0 ? 0 : Le.u32(volume.bytes(OFFSET + 0xe0, 4), 0);
    }

    /** Whether group {@code g} carries a superblock (and group descriptor) copy. */
    boolean hasSuperblockCopy(long g) {
        if (g <= 1 || (roCompat & RO_COMPAT_SPARSE_SUPER) == 0) {
            return true;
        }
        return isPowerOf(g, 3) || isPowerOf(g, 5) || isPowerOf(g, 7);
    }

    private static boolean isPowerOf(long g, int base) {
        long p = base;
        while (p < g) {
            p *= base;
        }
        return p == g;
    }

    long groupFirstBlock(long g) {
        return firstDataBlock + g * blocksPerGroup;
    }

    /** blkid's name for these features (ext2, ext3, ext4). */
    public String typeName() {
        boolean journal = (compat & COMPAT_HAS_JOURNAL) != 0;
        if (!journal && (roCompat & ~0x7L) == 0 && (incompat & ~0x12L) == 0) {
            return "ext2";
        }
        if (journal && (roCompat & ~0x7L) == 0 && (incompat & ~0x16L) == 0) {
            return "ext3";
        }
        return "ext4";
    }
}
