package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.bridge.nbd.DiskExtents.Extent;
import qcowdesk.bridge.nbd.wire.TransmissionReplies;
import qcowdesk.engine.VirtualDisk;

/**
 * Builds READ replies. With structured replies, ranges the map reports as zeros go out as OFFSET_HOLE chunks
 * (12 bytes instead of the zeros, and nothing read from the file); the rest is read into slices of one pooled
 * buffer and goes out as OFFSET_DATA chunks. Everything is read before anything is sent, so a failure can
 * still be reported as a single error chunk.
 */
final class ReadReplies {

    /** Past this many map extents in one READ the remainder is simply read as data. */
    private static final int MAX_EXTENTS = 4096;

    private ReadReplies() {
    }

    /** A simple reply: the 16-byte header, then the data. */
    static ByteBuffer[] simple(VirtualDisk disk, long handle, long offset, ByteBuffer buffer) throws IOException {
        disk.read(offset, buffer.duplicate());
        return new ByteBuffer[] {TransmissionReplies.simple(handle, null), buffer};
    }

    /** One OFFSET_DATA chunk for the whole range (the client asked not to fragment, NBD_CMD_FLAG_DF). */
    static ByteBuffer[] unfragmented(VirtualDisk disk, long handle, long offset, ByteBuffer buffer) throws IOException {
        disk.read(offset, buffer.duplicate());
        return new ByteBuffer[] {TransmissionReplies.offsetDataHeader(handle, true, offset, buffer.remaining()), buffer};
    }

    static ByteBuffer[] sparse(VirtualDisk disk, long handle, long offset, ByteBuffer buffer) throws IOException {
        int length = buffer.remaining();
        List<Run> runs = runs(DiskExtents.of(disk, offset, length, MAX_EXTENTS), offset, length);
        List<ByteBuffer> parts = new ArrayList<>(runs.size() * 2);
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            boolean done = i == runs.size() - 1;
            int at = (int) (run.start - offset);
            if (run.zero) {
                parts.add(TransmissionReplies.offsetHole(handle, done, run.start, run.length));
            } else {
                ByteBuffer slice = buffer.duplicate().position(at).limit(at + run.length).slice();
                disk.read(run.start, slice.duplicate());
                parts.add(TransmissionReplies.offsetDataHeader(handle, done, run.start, run.length));
                parts.add(slice);
            }
        }
        return parts.toArray(ByteBuffer[]::new);
    }

    private record Run(long start, int length, boolean zero) {
    }

    /** Merges neighbouring extents of the same kind; anything the extents did not reach becomes data. */
    private static List<Run> runs(List<Extent> extents, long offset, int length) {
        List<Run> runs = new ArrayList<>();
        long covered = offset;
        for (Extent extent : extents) {
            boolean zero = extent.entry().zero();
            Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last.zero == zero) {
                runs.set(runs.size() - 1, new Run(last.start, last.length + (int) extent.length(), zero));
            } else {
                runs.add(new Run(extent.start(), (int) extent.length(), zero));
            }
            covered = extent.end();
        }
        long end = offset + length;
        if (covered < end) {
            Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && !last.zero) {
                runs.set(runs.size() - 1, new Run(last.start, (int) (end - last.start), false));
            } else {
                runs.add(new Run(covered, (int) (end - covered), false));
            }
        }
        return runs;
    }
}
