package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.bridge.nbd.wire.TransmissionReplies;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.ZeroRun;

/**
 * Builds READ replies. With structured replies the disk reads the range in one pass and reports the runs that read
 * as zeros; those go out as OFFSET_HOLE chunks (12 bytes instead of the zeros), the rest as OFFSET_DATA chunks
 * that are slices of one pooled buffer. Everything is read before anything is sent, so a failure can still be
 * reported as a single error chunk. The range was checked where the request entered ({@link RequestValidator}),
 * so the disk is read through its unchecked entry points, which trust that check.
 */
final class ReadReplies {

    /** Past this many holes in one READ the remainder is simply sent as data (it was read as zeros). */
    private static final int MAX_EXTENTS = 4096;

    private ReadReplies() {
    }

    /** A simple reply: the 16-byte header, then the data. */
    static ByteBuffer[] simple(VirtualDisk disk, long handle, long offset, ByteBuffer buffer) throws IOException {
        disk.readUnchecked(offset, buffer.duplicate());
        return new ByteBuffer[] {TransmissionReplies.simple(handle, null), buffer};
    }

    /** One OFFSET_DATA chunk for the whole range (the client asked not to fragment, NBD_CMD_FLAG_DF). */
    static ByteBuffer[] unfragmented(VirtualDisk disk, long handle, long offset, ByteBuffer buffer) throws IOException {
        disk.readUnchecked(offset, buffer.duplicate());
        return new ByteBuffer[] {TransmissionReplies.offsetDataHeader(handle, true, offset, buffer.remaining()), buffer};
    }

    static ByteBuffer[] sparse(VirtualDisk disk, long handle, long offset, ByteBuffer buffer) throws IOException {
        int length = buffer.remaining();
        List<ZeroRun> zeros = disk.readReportingZerosUnchecked(offset, buffer.duplicate());
        if (zeros.isEmpty()) {
            // All data, the usual case of a written range: one chunk over the whole buffer, as without holes.
            return new ByteBuffer[] {TransmissionReplies.offsetDataHeader(handle, true, offset, length), buffer};
        }
        List<Run> runs = runs(zeros, offset, length);
        List<ByteBuffer> parts = new ArrayList<>(runs.size() * 2);
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            boolean done = i == runs.size() - 1;
            int at = (int) (run.start - offset);
            if (run.zero) {
                parts.add(TransmissionReplies.offsetHole(handle, done, run.start, run.length));
            } else {
                parts.add(TransmissionReplies.offsetDataHeader(handle, done, run.start, run.length));
                parts.add(buffer.duplicate().position(at).limit(at + run.length).slice());
            }
        }
        return parts.toArray(ByteBuffer[]::new);
    }

    private record Run(long start, int length, boolean zero) {
    }

    /** Data runs between the zero runs; past {@link #MAX_EXTENTS} holes the rest is one data run. */
    private static List<Run> runs(List<ZeroRun> zeros, long offset, int length) {
        List<Run> runs = new ArrayList<>();
        long end = offset + length;
        long at = offset;
        int holes = 0;
        for (ZeroRun z : zeros) {
            long start = Math.max(at, z.offset());
            long stop = Math.min(end, z.end());
            if (stop <= start) {
                continue;
            }
            if (holes == MAX_EXTENTS) {
                break;
            }
            if (start > at) {
                runs.add(new Run(at, (int) (start - at), false));
            }
            runs.add(new Run(start, (int) (stop - start), true));
            holes++;
            at = stop;
        }
        if (at < end) {
            runs.add(new Run(at, (int) (end - at), false));
        }
        return runs;
    }
}
