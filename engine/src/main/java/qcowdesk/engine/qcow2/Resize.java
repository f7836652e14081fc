package qcowdesk.engine.qcow2;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.qcow2.format.HeaderLayout;
import qcowdesk.engine.qcow2.format.Qcow2Header;

import java.io.IOException;

/**
 * Changes an image's virtual size by rewriting header fields only, each change a single write that keeps the
 * image valid whichever of the steps reached the disk before a crash:
 * <ul>
 *   <li>growing first widens {@code l1_size} (an L1 table larger than the size needs is valid), syncs, then
 *       writes the size; the new entries lie in the L1 table's last cluster, which must already hold them as zeros;
 *       when they do not fit there, the table moves: see {@link MetadataStore#growL1Moving}, whose single header
 *       write switches the table and the size together;</li>
 *   <li>shrinking writes the size only, and is refused while the image holds data (a cluster with host data,
 *       compressed or not; zero clusters lose nothing) past the new end, or has internal snapshots (as QEMU refuses).</li>
 * </ul>
 */
final class Resize {

    private final Qcow2Image image;
    private final MetadataStore store;
    private final L1Table l1;

    Resize(Qcow2Image image, MetadataStore store) {
        this.image = image;
        this.store = store;
        this.l1 = store.lookup().l1();
    }

    void to(long requested, boolean allowShrink) throws IOException {
        Qcow2Header header = image.header();
        long newSize = (requested + 511) & ~511L;
        if (requested <= 0) {
            throw invalid("the new size must be positive, got " + requested);
        }
        long oldSize = header.size();
        if (newSize < oldSize) {
            shrink(header, oldSize, newSize, allowShrink);
        } else if (newSize > oldSize) {
            grow(header, newSize);
        }
    }

    private void shrink(Qcow2Header header, long oldSize, long newSize, boolean allowShrink) throws IOException {
        if (!allowShrink) {
            throw invalid("use --shrink to shrink the image (from " + oldSize + " to " + newSize + " bytes): "
                    + "data past the new end would be lost");
        }
        if (header.nbSnapshots() > 0) {
            throw invalid("can't shrink an image which has internal snapshots");
        }
        long at = newSize;
        while (at < oldSize) {
            for (MapEntry e : image.map(at, oldSize - at)) {
                if (e.present() && e.depth() == 0 && !e.zero()) {
                    throw invalid("cannot shrink to " + newSize + " bytes: the image holds data in the "
                            + e.length() + " bytes at offset " + e.start()
                            + " past the new end; discard them inside the guest first");
                }
                at = e.end();
            }
        }
        writeSize(newSize);
    }

    private void grow(Qcow2Header header, long newSize) throws IOException {
        long perTable = header.bytesPerL2Table();
        long needed = (newSize + perTable - 1) / perTable;
        int cs = header.clusterSize();
        if (needed * 8 > Qcow2Header.MAX_L1_BYTES) {
            throw invalid("size " + newSize + " needs an L1 table of " + needed + " entries, more than the limit of "
                    + Qcow2Header.MAX_L1_BYTES / 8);
        }
        long current = l1.size();
        if (needed > current) {
            long room = ((current * 8 + cs - 1) / cs) * cs / 8;
            if (current == 0 || needed > room) {
                // the table's clusters cannot hold the new entries: a larger table elsewhere, with the size
                store.growL1Moving((int) needed, newSize);
                return;
            }
            byte[] tail = store.readImage(l1.offset() + current * 8, (int) ((needed - current) * 8));
            for (byte b : tail) {
                if (b != 0) {
                    throw invalid("the L1 table's cluster holds data past its " + current + " entries; not "
                            + "growing over it");
                }
            }
            // a wider L1 with the old size is valid; the new size must not come first
            store.patchHeaderDurably(HeaderLayout.l1Size((int) needed));
        }
        writeSize(newSize);
    }

    private void writeSize(long newSize) throws IOException {
        store.patchHeaderDurably(HeaderLayout.size(newSize));
    }

    private static EngineException invalid(String message) {
        return new EngineException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
