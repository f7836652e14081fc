package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.Qcow2Image;

import java.io.IOException;

/**
 * The block status QEMU reports for a QCOW2 image at an offset ({@code bdrv_block_status_above}), as {@code
 * qemu-img compare -s} compares it: the whole status word (data, zero, host offset valid, allocated, end of file)
 * and how far it holds. QEMU's answer for one call never crosses an L2 table, covers one compressed cluster at a
 * time, and a run of data clusters only while their host offsets are contiguous; where it reaches the end of the
 * disk the word also carries EOF. So two images with the same allocation can still differ in status, and where
 * they do is where qemu-img compare -s says so.
 *
 * <p>Backing chains: the status comes from the layer that allocates the range (ranges past a shorter backing
 * file read as allocated zeros, as QEMU synthesises them); runs are cut at the top image's L2 tables only.
 */
final class BlockStatus {

    static final int DATA = 0x01;
    static final int ZERO = 0x02;
    static final int OFFSET_VALID = 0x04;
    static final int ALLOCATED = 0x10;
    static final int EOF = 0x20;

    /** One answer: the status word, and how many bytes from the offset it covers. */
    record Run(int flags, long length) {
        boolean zero() {
            return (flags & ZERO) != 0;
        }

        boolean allocated() {
            return (flags & ALLOCATED) != 0;
        }
    }

    private final VirtualDisk disk;
    private final long bytesPerL2Table;
    private final boolean hasBacking;

    private BlockStatus(VirtualDisk disk, long bytesPerL2Table, boolean hasBacking) {
        this.disk = disk;
        this.bytesPerL2Table = bytesPerL2Table;
        this.hasBacking = hasBacking;
    }

    /** The status of a QCOW2 image; empty for other disks (raw), whose status QEMU takes from the file system. */
    static java.util.Optional<BlockStatus> of(VirtualDisk disk) {
        if (!(disk instanceof Qcow2Image image)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new BlockStatus(disk, image.header().bytesPerL2Table(),
                image.header().hasBackingFile()));
    }

    /** The status at {@code offset} (inside the disk). */
    Run at(long offset) throws IOException {
        long size = disk.size();
        long tableEnd = (offset / bytesPerL2Table + 1) * bytesPerL2Table;
        long limit = Math.min(size, tableEnd);
        MapEntry e = disk.map(offset, limit - offset).get(0);
        long end = Math.min(limit, e.end());
        if (e.compressed()) {
            long cluster = disk.clusterSize();
            end = Math.min(end, (offset / cluster + 1) * cluster);
        }
        int flags = flags(e);
        if (end == size) {
            flags |= EOF;
        }
        return new Run(flags, end - offset);
    }

    private int flags(MapEntry e) {
        boolean offsetValid = e.hostOffset() != MapEntry.NO_OFFSET;
        if (e.present()) {
            if (e.compressed()) {
                return DATA | ALLOCATED;
            }
            int kind = e.data() ? DATA : ZERO;
            return kind | ALLOCATED | (offsetValid ? OFFSET_VALID : 0);
        }
        if (hasBacking && e.depth() == 0) {
            // past the end of a shorter backing file: QEMU synthesises zeros allocated at the layer below
            return ZERO | ALLOCATED;
        }
        return ZERO | (offsetValid ? OFFSET_VALID : 0);
    }
}
