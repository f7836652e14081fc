package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.qcow2.format.RefcountBlockCodec;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Damages copies of real images the way crashes and bugs do, by patching bytes at offsets computed from the
 * header directly (independently of the engine's own parser), and compares guest data with qemu-img.
 */
final class ImagePatcher {

    private ImagePatcher() {
    }

    static Path copyOf(Corpus.Image image, Path dir) {
        return Corpus.copy(image, dir.resolve(image.name() + ".qcow2"));
    }

    static Path raw(Path image, Path target) {
        Qemu.img("convert", "-O", "raw", image.toString(), target.toString());
        return target;
    }

    /** Fails unless qemu-img compare finds the image's guest data equal to {@code expectedRaw}. */
    static void assertGuestDataEquals(Path expectedRaw, Path image, Path dir) {
        Peers.ok("qemu-img", "compare", "-f", "raw", "-F", "qcow2", expectedRaw.toString(), image.toString());
    }

    /** Zeros the L2 entry that maps {@code guestOffset} (which must have an L2 table). */
    static void clearL2Entry(Path image, long guestOffset) {
        try (FileChannel f = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Geometry g = Geometry.of(f);
            long l2 = g.l2TableFor(f, guestOffset);
            long index = (guestOffset >> g.clusterBits) % (g.clusterSize() / g.l2EntrySize());
            f.write(ByteBuffer.allocate(8), l2 + index * g.l2EntrySize());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Host cluster index of the first guest cluster with a standard data cluster. */
    static long firstDataCluster(Path image) {
        try (FileChannel f = FileChannel.open(image, StandardOpenOption.READ)) {
            Geometry g = Geometry.of(f);
            for (long guest = 0; guest < g.size; guest += g.clusterSize()) {
                long l2 = g.l2TableFor(f, guest);
                if (l2 == 0) {
                    continue;
                }
                long index = (guest >> g.clusterBits) % (g.clusterSize() / g.l2EntrySize());
                long entry = g.readLong(f, l2 + index * g.l2EntrySize());
                long offset = entry & 0x00fffffffffffe00L;
                if ((entry & (1L << 62)) == 0 && offset != 0) {
                    return offset >> g.clusterBits;
                }
            }
            throw new IllegalStateException("no data cluster in " + image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Overwrites the on-disk refcount of host cluster {@code cluster} (its refcount block must exist). */
    static void setRefcount(Path image, long cluster, long value) {
        try (FileChannel f = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Geometry g = Geometry.of(f);
            int bits = 1 << g.refcountOrder;
            long perBlock = g.clusterSize() * 8L / bits;
            long block = g.readLong(f, g.reftableOffset + (cluster / perBlock) * 8) & ~0x1ffL;
            long index = cluster % perBlock;
            ByteBuffer b = ByteBuffer.allocate(g.clusterSize());
            f.read(b, block);
            new RefcountBlockCodec(g.refcountOrder).set(b, (int) index, value);
            f.write(b.flip(), block);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeLong(Path file, long position, long value) {
        write(file, position, ByteBuffer.allocate(8).putLong(0, value));
    }

    static void writeInt(Path file, long position, int value) {
        write(file, position, ByteBuffer.allocate(4).putInt(0, value));
    }

    static void write(Path file, long position, ByteBuffer bytes) {
        try (FileChannel f = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                f.write(bytes, position + bytes.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long readLong(Path file, long position) {
        try (FileChannel f = FileChannel.open(file, StandardOpenOption.READ)) {
            return Geometry.readLongAt(f, position);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path copy(Path source, Path target) {
        try {
            return Files.copy(source, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Geometry geometry(Path image) {
        try (FileChannel f = FileChannel.open(image, StandardOpenOption.READ)) {
            return Geometry.of(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The header fields the patches need, read straight from the bytes. */
    record Geometry(int clusterBits, long size, long l1Offset, int l1Size, long reftableOffset, int refcountOrder,
                    boolean extendedL2) {

        static Geometry of(FileChannel f) throws IOException {
            ByteBuffer h = ByteBuffer.allocate(104);
            f.read(h, 0);
            boolean v3 = h.getInt(4) == 3;
            return new Geometry(h.getInt(20), h.getLong(24), h.getLong(40), h.getInt(36), h.getLong(48),
                    v3 ? h.getInt(96) : 4, v3 && (h.getLong(72) & (1L << 4)) != 0);
        }

        int clusterSize() {
            return 1 << clusterBits;
        }

        int l2EntrySize() {
            return extendedL2 ? 16 : 8;
        }

        long l2TableFor(FileChannel f, long guestOffset) throws IOException {
            long perL2 = (long) (clusterSize() / l2EntrySize()) << clusterBits;
            return readLong(f, l1Offset + (guestOffset / perL2) * 8) & 0x00fffffffffffe00L;
        }

        long readLong(FileChannel f, long position) throws IOException {
            return readLongAt(f, position);
        }

        static long readLongAt(FileChannel f, long position) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(8);
            f.read(b, position);
            return b.getLong(0);
        }
    }
}
