package qcowdesk.engine.contents.ext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.contents.io.BlockCache;
import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.io.Le;
import qcowdesk.engine.contents.fs.Extent;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.contents.fs.FileType;
import qcowdesk.engine.contents.fs.Listing;
import qcowdesk.engine.contents.fs.Region;

/**
 * Reads an ext2, ext3 or ext4 filesystem: block maps and extent trees, linear and hashed directories (read
 * linearly), inline data, fast and slow symlinks, sparse and preallocated ranges, 1-64 KiB blocks, 64bit,
 * flex_bg and meta_bg. The journal is never replayed; when it holds changes a warning says so.
 */
public final class ExtFileSystem implements FileSystemReader {

    static final long ROOT_INODE = 2;
    /** Upper bound of the entries one directory listing holds in memory. */
    static final int MAX_DIRECTORY_ENTRIES = 1_000_000;
    private static final int CACHE_BLOCKS = 2048;
    private static final int SYSTEM_XATTR_INDEX = 7;

    private final ByteSource volume;
    private final ExtSuperblock sb;
    private final BlockCache cache;
    private final FileNode root;
    private final List<String> warnings = new ArrayList<>();

    private ExtFileSystem(ByteSource volume, ExtSuperblock sb) throws IOException {
        this.volume = volume;
        this.sb = sb;
        this.cache = new BlockCache(volume, sb.blockSize(), CACHE_BLOCKS);
        if (sb.has(ExtSuperblock.INCOMPAT_RECOVER)) {
            warnings.add("the journal holds changes that were never written to the filesystem (it was not cleanly "
                    + "unmounted); they are not replayed here, so recently changed files may be missing or stale");
        } else if ((sb.state() & ExtSuperblock.STATE_CLEAN) == 0) {
            warnings.add("the filesystem was not cleanly unmounted; some entries may be inconsistent");
        }
        if (sb.blocksCount() > volume.size() / sb.blockSize()) {
            warnings.add("the filesystem claims " + sb.blocksCount() * sb.blockSize() + " bytes but its volume has "
                    + volume.size() + "; blocks past the end cannot be read");
        }
        Inode rootInode = inode(ROOT_INODE);
        if (FileType.ofMode(rootInode.mode()) != FileType.DIRECTORY) {
            throw new ContentsException("ext: inode 2 (the root) is not a directory");
        }
        this.root = node(rootInode, "", "/");
    }

    public static ExtFileSystem open(ByteSource volume) throws IOException {
        return new ExtFileSystem(volume, ExtSuperblock.read(volume));
    }

    @Override
    public String type() {
        return sb.typeName();
    }

    @Override
    public FileNode root() {
        return root;
    }

    @Override
    public int blockSize() {
        return sb.blockSize();
    }

    @Override
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public String label() {
        return sb.label();
    }

    // ----- inodes ---------------------------------------------------------------------------------------------

    Inode inode(long number) throws IOException {
        if (number < 1 || number > sb.inodesCount()) {
            throw new ContentsException("inode " + number + " does not exist (" + sb.inodesCount() + " inodes)");
        }
        long group = (number - 1) / sb.inodesPerGroup();
        long index = (number - 1) % sb.inodesPerGroup();
        GroupDescriptor gd = GroupDescriptor.read(sb, cache, group);
        long byteInTable = index * sb.inodeSize();
        byte[] block = cache.block(gd.inodeTable() + byteInTable / sb.blockSize());
        int at = (int) (byteInTable % sb.blockSize());
        return Inode.parse(number, java.util.Arrays.copyOfRange(block, at, at + sb.inodeSize()));
    }

    private FileNode node(Inode inode, String name, String path) {
        return new FileNode(name, path, inode.number(), FileType.ofMode(inode.mode()), inode.size(),
                inode.mode(), inode.uid(), inode.gid(), inode.links(), inode.modified(), inode.accessed(),
                inode.changed());
    }

    private Inode inodeOf(FileNode node) throws IOException {
        return inode(node.id());
    }

    private BlockMapping mapping(Inode inode) throws ContentsException {
        if (inode.has(Inode.FLAG_EXTENTS)) {
            return new ExtentTree(inode.iBlock(), cache, sb.blocksCount(), inode.number());
        }
        long fileBlocks = (inode.size() + sb.blockSize() - 1) / sb.blockSize();
        return new IndirectMap(inode.iBlock(), cache, sb.blocksCount(), inode.number(), fileBlocks);
    }

    // ----- directories ----------------------------------------------------------------------------------------

    @Override
    public Listing list(FileNode directory) throws IOException {
        if (!directory.isDirectory()) {
            throw new ContentsException(ErrorCode.INVALID_ARGUMENT, directory.path() + ": not a directory");
        }
        Inode dir = inodeOf(directory);
        List<DirEntries.Entry> raw = new ArrayList<>();
        List<Listing.EntryError> errors = new ArrayList<>();
        boolean fileType = sb.has(ExtSuperblock.INCOMPAT_FILETYPE);
        if (dir.has(Inode.FLAG_INLINE_DATA)) {
            // the first four bytes are the parent's inode number; entries follow, then go on in system.data
            DirEntries.parse(dir.iBlock(), 4, Inode.I_BLOCK_SIZE, fileType, "inline directory", raw, errors,
                    MAX_DIRECTORY_ENTRIES);
            byte[] more = dir.inlineXattr(SYSTEM_XATTR_INDEX, "data");
            if (more != null) {
                DirEntries.parse(more, 0, more.length, fileType, "inline directory", raw, errors,
                        MAX_DIRECTORY_ENTRIES);
            }
        } else {
            readDirectoryBlocks(dir, fileType, raw, errors);
        }
        List<FileNode> entries = new ArrayList<>(raw.size());
        for (DirEntries.Entry e : raw) {
            try {
                Inode child = inode(e.inode());
                if (child.links() == 0 || child.mode() == 0) {
                    errors.add(new Listing.EntryError(e.name(), "points at inode " + e.inode()
                            + ", which is not in use"));
                    continue;
                }
                entries.add(node(child, e.name(), directory.childPath(e.name())));
            } catch (ContentsException broken) {
                errors.add(new Listing.EntryError(e.name(), broken.getMessage()));
            }
        }
        return new Listing(entries, errors);
    }

    private void readDirectoryBlocks(Inode dir, boolean fileType, List<DirEntries.Entry> out,
                                     List<Listing.EntryError> errors) throws IOException {
        BlockMapping map = mapping(dir);
        long blocks = (dir.size() + sb.blockSize() - 1) / sb.blockSize();
        long logical = 0;
        while (logical < blocks && out.size() < MAX_DIRECTORY_ENTRIES) {
            Run run;
            try {
                run = map.find(logical, blocks - logical);
            } catch (ContentsException broken) {
                errors.add(new Listing.EntryError("?", broken.getMessage()));
                return;
            }
            if (!run.readsZero()) {
                for (long i = 0; i < run.length(); i++) {
                    String where = "directory block " + (logical + i);
                    try {
                        byte[] b = cache.block(run.physical() + i);
                        DirEntries.parse(b, 0, b.length, fileType, where, out, errors, MAX_DIRECTORY_ENTRIES);
                    } catch (ContentsException broken) {
                        errors.add(new Listing.EntryError("?", where + ": " + broken.getMessage()));
                    }
                }
            }
            logical += run.length();
        }
    }

    // ----- file contents --------------------------------------------------------------------------------------

    @Override
    public int read(FileNode file, long offset, ByteBuffer dst) throws IOException {
        if (offset < 0) {
            throw new ContentsException(ErrorCode.INVALID_ARGUMENT, "negative offset " + offset);
        }
        Inode inode = inodeOf(file);
        if (offset >= inode.size()) {
            return -1;
        }
        int want = (int) Math.min(dst.remaining(), inode.size() - offset);
        if (inode.has(Inode.FLAG_INLINE_DATA)) {
            byte[] data = inlineData(inode);
            int have = (int) Math.max(0, Math.min(want, data.length - offset));
            dst.put(data, (int) offset, have);
            for (int i = have; i < want; i++) {
                dst.put((byte) 0);
            }
            return want;
        }
        BlockMapping map = mapping(inode);
        int bs = sb.blockSize();
        int done = 0;
        while (done < want) {
            long pos = offset + done;
            long logical = pos / bs;
            int inBlock = (int) (pos % bs);
            long blocksLeft = (inBlock + (long) (want - done) + bs - 1) / bs;
            Run run = map.find(logical, blocksLeft);
            int n = (int) Math.min(want - done, run.length() * bs - inBlock);
            if (run.readsZero()) {
                for (int i = 0; i < n; i++) {
                    dst.put((byte) 0);
                }
            } else {
                ByteBuffer slice = dst.slice().limit(n);
                volume.read(run.physical() * bs + inBlock, slice);
                dst.position(dst.position() + n);
            }
            done += n;
        }
        return want;
    }

    /** The bytes of an inline-data inode: the 60 bytes of i_block, continued in the system.data attribute. */
    private static byte[] inlineData(Inode inode) {
        byte[] more = inode.inlineXattr(SYSTEM_XATTR_INDEX, "data");
        int extra = more == null ? 0 : more.length;
        byte[] all = new byte[Inode.I_BLOCK_SIZE + extra];
        System.arraycopy(inode.iBlock(), 0, all, 0, Inode.I_BLOCK_SIZE);
        if (more != null) {
            System.arraycopy(more, 0, all, Inode.I_BLOCK_SIZE, extra);
        }
        return all;
    }

    @Override
    public String readLink(FileNode link) throws IOException {
        Inode inode = inodeOf(link);
        if (FileType.ofMode(inode.mode()) != FileType.SYMLINK) {
            throw new ContentsException(ErrorCode.INVALID_ARGUMENT, link.path() + ": not a symbolic link");
        }
        if (inode.size() > 65536) {
            throw new ContentsException(link.path() + ": symbolic link of " + inode.size() + " bytes");
        }
        long xattrBlocks = inode.fileAcl() != 0 ? sb.blockSize() / 512 : 0;
        boolean fast = inode.size() < Inode.I_BLOCK_SIZE && !inode.has(Inode.FLAG_INLINE_DATA)
                && inode.blocks512() - xattrBlocks == 0;
        byte[] target = new byte[(int) inode.size()];
        if (fast) {
            System.arraycopy(inode.iBlock(), 0, target, 0, target.length);
        } else {
            ByteBuffer buf = ByteBuffer.wrap(target);
            read(link, 0, buf);
        }
        return new String(target, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void extents(FileNode file, Consumer<Extent> sink) throws IOException {
        long bs = sb.blockSize();
        walk(file, run -> sink.accept(new Extent(run.logical() * bs, run.physical() * bs, run.length() * bs)),
                block -> { });
    }

    @Override
    public void metadataOf(FileNode file, Consumer<Extent> sink) throws IOException {
        long bs = sb.blockSize();
        Inode inode = walk(file, run -> { }, block -> sink.accept(new Extent(-1, block * bs, bs)));
        if (inode.fileAcl() != 0 && inode.fileAcl() < sb.blocksCount()) {
            sink.accept(new Extent(-1, inode.fileAcl() * bs, bs));
        }
    }

    /** Walks a file's block mapping unless its data lives in the inode (inline data, fast symlinks). */
    private Inode walk(FileNode file, Consumer<Run> data, Consumer<Long> meta) throws IOException {
        Inode inode = inodeOf(file);
        if (!inode.has(Inode.FLAG_INLINE_DATA) && !isFastSymlink(inode)) {
            mapping(inode).walk(data, meta);
        }
        return inode;
    }

    private boolean isFastSymlink(Inode inode) {
        long xattrBlocks = inode.fileAcl() != 0 ? sb.blockSize() / 512 : 0;
        return FileType.ofMode(inode.mode()) == FileType.SYMLINK && inode.size() < Inode.I_BLOCK_SIZE
                && inode.blocks512() - xattrBlocks == 0;
    }

    // ----- what the blocks are ----------------------------------------------------------------------------------

    @Override
    public void regions(Consumer<Region> sink) throws IOException {
        long bs = sb.blockSize();
        String fs = sb.typeName();
        int perBlock = sb.blockSize() / sb.descSize();
        long gdtBlocks = (sb.groupCount() + perBlock - 1) / perBlock;
        long tableBlocks = (sb.inodesPerGroup() * sb.inodeSize() + bs - 1) / bs;
        if (sb.firstDataBlock() > 0) {
            sink.accept(new Region(0, sb.firstDataBlock() * bs, fs + " boot block"));
        }
        for (long g = 0; g < sb.groupCount(); g++) {
            long first = sb.groupFirstBlock(g);
            if (sb.hasSuperblockCopy(g)) {
                long span = sb.has(ExtSuperblock.INCOMPAT_META_BG) ? 1 : 1 + gdtBlocks + sb.reservedGdtBlocks();
                sink.accept(new Region(first * bs, Math.min(span, sb.blocksCount() - first) * bs,
                        fs + " superblock and group descriptors"));
            }
            GroupDescriptor gd;
            try {
                gd = GroupDescriptor.read(sb, cache, g);
            } catch (ContentsException broken) {
                continue;
            }
            sink.accept(new Region(gd.blockBitmap() * bs, bs, fs + " block bitmap"));
            sink.accept(new Region(gd.inodeBitmap() * bs, bs, fs + " inode bitmap"));
            sink.accept(new Region(gd.inodeTable() * bs, tableBlocks * bs, fs + " inode table"));
            freeRuns(g, gd, sink);
        }
        long journal = sb.journalInode(volume);
        if (journal != 0) {
            try {
                Inode j = inode(journal);
                mapping(j).walk(run -> sink.accept(new Region(run.physical() * bs, run.length() * bs,
                        fs + " journal")), block -> sink.accept(new Region(block * bs, bs, fs + " journal")));
            } catch (ContentsException broken) {
                warnings.add("journal inode " + journal + ": " + broken.getMessage());
            }
        }
    }

    private void freeRuns(long g, GroupDescriptor gd, Consumer<Region> sink) throws IOException {
        long bs = sb.blockSize();
        long first = sb.groupFirstBlock(g);
        long count = Math.min(sb.blocksPerGroup(), sb.blocksCount() - first);
        if ((gd.flags() & GroupDescriptor.BLOCK_UNINIT) != 0) {
            // never initialised: nothing but the group's own metadata (reported above) is in use
            sink.accept(new Region(first * bs, count * bs, Region.FREE));
            return;
        }
        if (gd.blockBitmap() == 0 || gd.blockBitmap() >= sb.blocksCount()) {
            return;
        }
        byte[] bitmap = cache.block(gd.blockBitmap());
        long runStart = -1;
        for (long i = 0; i <= count; i++) {
            boolean free = i < count && (bitmap[(int) (i >>> 3)] & (1 << (i & 7))) == 0;
            if (free && runStart < 0) {
                runStart = i;
            } else if (!free && runStart >= 0) {
                sink.accept(new Region((first + runStart) * bs, (i - runStart) * bs, Region.FREE));
                runStart = -1;
            }
        }
    }

    /** Whether {@code bytes} at the start of a volume carry an ext superblock. */
    public static boolean recognises(ByteSource volume) throws IOException {
        return volume.contains(ExtSuperblock.OFFSET, 1024)
                && Le.u16(volume.bytes(ExtSuperblock.OFFSET + 0x38, 2), 0) == 0xef53;
    }
}
