package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.format.L1Entry;
import qcowdesk.engine.qcow2.format.L2Entry;
import qcowdesk.engine.qcow2.format.RefcountBlockCodec;
import qcowdesk.engine.qcow2.format.RefcountStructure;
import qcowdesk.engine.qcow2.FileIo;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a new QCOW2 image front to back, for operations that produce a whole image (convert, compact): guest
 * clusters are handed over in increasing order and appended to the file with their L2 tables, compressed clusters
 * packed byte by byte as QEMU packs them; {@link #finish} then appends refcount blocks and table counting exactly
 * what was written, and writes the L1 table and the header. Nothing is read back, nothing is rewritten, so the
 * file is written in one sequential pass.
 *
 * <p>Layout: header (cluster 0), L1 table (from cluster 1), data and L2 tables, refcount blocks, refcount table.
 * The result is only an image once {@link #finish} returned: callers write to a temporary name and rename.
 *
 * <p>Memory: the L1 table (at most 32 MiB by the format's limit), one L2 table, a 4 MiB write buffer, and two bytes
 * per host cluster only in stretches of the file that hold compressed data (the only clusters whose refcount is
 * not one).
 */
public final class ImageBuilder implements Closeable {

    private static final int WRITE_BUFFER = 4 << 20;
    private static final int COUNT_CHUNK = 1 << 16;

    private final Path path;
    private final FileChannel file;
    private final CreateOptions options;
    private final int cs;
    private final int clusterBits;
    private final boolean extended;
    private final long l2Entries;
    private final long[] l1;
    private final long l1Clusters;
    private final RefcountBlockCodec codec;
    /** Refcounts other than one, by host cluster: chunks of {@link #COUNT_CHUNK} created where compressed data lies. */
    private final Map<Long, char[]> counts = new HashMap<>();
    private final long maxCount;
    private final byte[] zeros;

    private final ByteBuffer out = ByteBuffer.allocateDirect(WRITE_BUFFER);
    /** File offset of {@link #out}'s first byte. */
    private long outStart;
    /** Next free byte of the file. */
    private long cursor;

    private int l2Index = -1;
    private long[] l2;
    private boolean finished;

    private ImageBuilder(Path path, FileChannel file, CreateOptions options) {
        this.path = path;
        this.file = file;
        this.options = options;
        this.cs = options.clusterSize();
        this.clusterBits = options.clusterBits();
        this.extended = options.extendedL2();
        this.l2Entries = cs / (extended ? L2Entry.EXTENDED_ENCODED_LENGTH : L2Entry.ENCODED_LENGTH);
        this.l1 = new long[(int) options.l1Entries()];
        this.l1Clusters = Math.max(1, CreateOptions.ceilDiv(l1.length * (long) L1Entry.ENCODED_LENGTH, cs));
        this.codec = new RefcountBlockCodec(options.refcountOrder());
        this.maxCount = Math.min(codec.max(), Character.MAX_VALUE);
        this.zeros = new byte[cs];
        this.cursor = (1 + l1Clusters) * cs;
        this.outStart = cursor;
    }

    /** Creates {@code path} (which must not exist) for an image of {@code options}. */
    public static ImageBuilder create(Path path, CreateOptions options) throws EngineException {
        options.validate();
        try {
            FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new ImageBuilder(path, file, options);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, path + " already exists; not overwriting it");
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot create " + path + ": " + e.getMessage(), e);
        }
    }

    public int clusterSize() {
        return cs;
    }

    /** Stores one whole cluster of guest data (the last cluster of the disk may be short; it is zero-padded). */
    public void writeData(long guestCluster, ByteBuffer data) throws IOException {
        long[] table = l2For(guestCluster);
        alignCursor();
        long host = cursor;
        int n = data.remaining();
        append(data);
        append(ByteBuffer.wrap(zeros, 0, cs - n));
        setEntry(table, guestCluster, L1Entry.owned(host), extended ? L2Entry.allocationBits(0, 31) : 0);
    }

    /**
     * Stores compressed data for one guest cluster ({@code length} bytes of {@code data}, shorter than a
     * cluster), right after the previous compressed data, unless the host cluster there already counts as many
     * references as its refcount width holds.
     */
    public void writeCompressed(long guestCluster, byte[] data, int length) throws IOException {
        if (length <= 0 || length >= cs) {
            throw new IllegalArgumentException("compressed length " + length + " for clusters of " + cs);
        }
        long[] table = l2For(guestCluster);
        long first = cursor >>> clusterBits;
        if (cursor % cs != 0 && count(first) >= maxCount) {
            alignCursor();
            first = cursor >>> clusterBits;
        }
        long host = cursor;
        long last = (host + length - 1) >>> clusterBits;
        for (long c = first; c <= last; c++) {
            boolean fresh = c > first || host % cs == 0;
            setCount(c, fresh ? 1 : count(c) + 1);
        }
        append(ByteBuffer.wrap(data, 0, length));
        setEntry(table, guestCluster, L2Entry.compressed(host, length, clusterBits), 0);
    }

    /** Marks one guest cluster as reading zeros without storage (version 3; with extended L2 the zero bitmap). */
    public void writeZero(long guestCluster) throws IOException {
        if (options.version() < 3) {
            throw new IllegalStateException("zero clusters need version 3");
        }
        long[] table = l2For(guestCluster);
        if (extended) {
            setEntry(table, guestCluster, 0, L2Entry.ALL_ZEROES_BITMAP);
        } else {
            setEntry(table, guestCluster, L2Entry.ZERO, 0);
        }
    }

    /** Writes the last L2 table, the refcounts, the L1 table and the header, and makes the file durable. */
    public void finish() throws IOException {
        flushL2();
        alignCursor();
        long dataClusters = cursor >>> clusterBits;
        RefcountStructure refcounts = RefcountStructure.sizedFor(dataClusters, codec, cs);
        long blocksAt = cursor;
        long tableAt = blocksAt + refcounts.blocks() * cs;
        long total = dataClusters + refcounts.clusters();
        for (long b = 0; b < refcounts.blocks(); b++) {
            append(refcounts.block(b, total, cluster -> cluster < dataClusters ? count(cluster) : 1));
        }
        for (long t = 0; t < refcounts.tableClusters(); t++) {
            append(refcounts.tableCluster(t, blocksAt));
        }
        flushOut();

        ByteBuffer l1Bytes = ByteBuffer.allocate((int) (l1Clusters * cs));
        l1Bytes.asLongBuffer().put(l1); // big-endian entries, as the format stores them
        write(l1Bytes, cs);
        NewImageLayout layout = new NewImageLayout(cs, tableAt, refcounts.tableClusters(), blocksAt,
                refcounts.blocks(), cs, l1.length, l1Clusters);
        write(Qcow2Creator.headerCluster(options, layout), 0);
        file.force(true);
        finished = true;
    }

    /** Closes the file; an unfinished image is deleted. */
    @Override
    public void close() throws IOException {
        file.close();
        if (!finished) {
            Files.deleteIfExists(path);
        }
    }

    // ----- L2 tables --------------------------------------------------------------------------------------------

    private long[] l2For(long guestCluster) throws IOException {
        int index = (int) (guestCluster / l2Entries);
        if (index != l2Index) {
            if (index < l2Index) {
                throw new IllegalStateException("clusters must come in increasing order");
            }
            flushL2();
            l2Index = index;
            l2 = null;
        }
        if (l2 == null) {
            l2 = new long[(int) (extended ? l2Entries * 2 : l2Entries)];
        }
        return l2;
    }

    private void setEntry(long[] table, long guestCluster, long entry, long bitmap) {
        int i = (int) (guestCluster % l2Entries);
        if (extended) {
            table[2 * i] = entry;
            table[2 * i + 1] = bitmap;
        } else {
            table[i] = entry;
        }
    }

    /** Appends the current L2 table (when it maps anything) and points the L1 table at it. */
    private void flushL2() throws IOException {
        if (l2 == null) {
            return;
        }
        alignCursor();
        long at = cursor;
        ByteBuffer bytes = ByteBuffer.allocate(cs);
        bytes.asLongBuffer().put(l2);
        append(bytes);
        l1[l2Index] = L1Entry.owned(at);
        l2 = null;
    }

    // ----- refcounts of shared clusters -------------------------------------------------------------------------

    private long count(long cluster) {
        char[] chunk = counts.get(cluster / COUNT_CHUNK);
        if (chunk == null) {
            return 1;
        }
        char c = chunk[(int) (cluster % COUNT_CHUNK)];
        return c == 0 ? 1 : c;
    }

    private void setCount(long cluster, long value) {
        counts.computeIfAbsent(cluster / COUNT_CHUNK, k -> new char[COUNT_CHUNK])[(int) (cluster % COUNT_CHUNK)] =
                (char) value;
    }

    // ----- appending ----------------------------------------------------------------------------------------------

    private void alignCursor() throws IOException {
        int pad = (int) ((cs - cursor % cs) % cs);
        append(ByteBuffer.wrap(zeros, 0, pad));
    }

    private void append(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (!out.hasRemaining()) {
                flushOut();
            }
            int n = Math.min(out.remaining(), src.remaining());
            ByteBuffer part = src.slice(src.position(), n);
            out.put(part);
            src.position(src.position() + n);
            cursor += n;
        }
    }

    private void flushOut() throws IOException {
        out.flip();
        write(out, outStart);
        outStart += out.limit();
        out.clear();
    }

    private void write(ByteBuffer src, long position) throws IOException {
        FileIo.writeFully(file, src, position);
    }
}
