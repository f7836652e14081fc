package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

import qcowdesk.bridge.nbd.DiskExtents.Extent;
import qcowdesk.bridge.nbd.wire.TransmissionReplies;
import qcowdesk.engine.VirtualDisk;

/**
 * Builds BLOCK_STATUS replies: one chunk per selected metadata context, all derived from one walk of the
 * engine map. Neighbouring extents with equal status are merged; a reply describes at most
 * {@link #MAX_EXTENTS} map extents (the client asks again from where it stops).
 */
final class BlockStatusReplies {

    static final int MAX_EXTENTS = 16384;
    /** With REQ_ONE a few map extents still let the single reported extent span equal neighbours. */
    private static final int REQ_ONE_EXTENTS = 64;

    private BlockStatusReplies() {
    }

    /** {@code blockSize} is the advertised minimum block size: every reported extent is made of whole blocks. */
    static ByteBuffer[] build(VirtualDisk disk, long handle, long offset, long length, boolean onlyOne,
                              List<MetaContext> contexts, int blockSize) throws IOException {
        List<Extent> extents = DiskExtents.of(disk, offset, length, onlyOne ? REQ_ONE_EXTENTS : MAX_EXTENTS,
                blockSize);
        ByteBuffer[] chunks = new ByteBuffer[contexts.size()];
        for (int i = 0; i < contexts.size(); i++) {
            chunks[i] = chunk(handle, i == contexts.size() - 1, contexts.get(i), extents, onlyOne, blockSize);
        }
        return chunks;
    }

    private static ByteBuffer chunk(long handle, boolean done, MetaContext context, List<Extent> extents,
                                    boolean onlyOne, int blockSize) {
        int count = 0;
        long[] lengths = new long[extents.size()];
        int[] flags = new int[extents.size()];
        for (Extent extent : extents) {
            int status = context.flagsOf(extent.entry());
            if (count > 0 && flags[count - 1] == status) {
                lengths[count - 1] += extent.length();
            } else {
                lengths[count] = extent.length();
                flags[count] = status;
                count++;
            }
        }
        AlignedExtents aligned = AlignedExtents.round(lengths, flags, count, blockSize, context::combine);
        count = onlyOne ? Math.min(aligned.count(), 1) : aligned.count();
        ByteBuffer out = TransmissionReplies.blockStatus(handle, done, context.id(), count);
        for (int i = 0; i < count; i++) {
            // The request length is 32-bit, so a merged extent inside it always fits the 32-bit field.
            out.putInt((int) aligned.length(i)).putInt(aligned.flags(i));
        }
        return out.flip();
    }
}
