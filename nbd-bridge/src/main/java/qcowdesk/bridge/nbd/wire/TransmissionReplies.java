package qcowdesk.bridge.nbd.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes transmission-phase replies: simple replies and structured reply chunks. Payload data (read results)
 * is not copied: callers write the returned header and the data buffer together in one gathering write.
 */
public final class TransmissionReplies {

    public static final int SIMPLE_HEADER_SIZE = 16;
    public static final int CHUNK_HEADER_SIZE = 20;
    /** Bytes per extent of a BLOCK_STATUS chunk: length (32), flags (32). */
    public static final int EXTENT_SIZE = 8;
    /** OFFSET_DATA payload before the data: offset (64). */
    static final int OFFSET_DATA_PREFIX = 8;
    /** OFFSET_HOLE payload: offset (64), hole length (32). */
    static final int OFFSET_HOLE_SIZE = 12;
    /** BLOCK_STATUS payload before the extents: metadata context id (32). */
    static final int BLOCK_STATUS_PREFIX = 4;
    /** ERROR payload before the message: error (32), message length (16). */
    static final int ERROR_PREFIX = 6;

    private TransmissionReplies() {
    }

    public static ByteBuffer simple(long handle, Errno error) {
        return putSimple(ByteBuffer.allocate(SIMPLE_HEADER_SIZE), handle, error).flip();
    }

    /** Appends a simple reply to {@code out} (which must have {@link #SIMPLE_HEADER_SIZE} bytes left); returns it. */
    public static ByteBuffer putSimple(ByteBuffer out, long handle, Errno error) {
        return out.putInt(NbdMagic.SIMPLE_REPLY).putInt(error == null ? 0 : error.code()).putLong(handle);
    }

    /** Header of an OFFSET_DATA chunk whose {@code dataLength} bytes of data the caller sends right after. */
    public static ByteBuffer offsetDataHeader(long handle, boolean done, long offset, int dataLength) {
        ByteBuffer out = ByteBuffer.allocate(CHUNK_HEADER_SIZE + OFFSET_DATA_PREFIX);
        chunkHeader(out, handle, done, ChunkType.OFFSET_DATA, OFFSET_DATA_PREFIX + dataLength);
        return out.putLong(offset).flip();
    }

    public static ByteBuffer offsetHole(long handle, boolean done, long offset, int holeLength) {
        ByteBuffer out = ByteBuffer.allocate(CHUNK_HEADER_SIZE + OFFSET_HOLE_SIZE);
        chunkHeader(out, handle, done, ChunkType.OFFSET_HOLE, OFFSET_HOLE_SIZE);
        return out.putLong(offset).putInt(holeLength).flip();
    }

    /** Header of a BLOCK_STATUS chunk; the caller appends {@code extentCount} extents (length, flags). */
    public static ByteBuffer blockStatus(long handle, boolean done, int contextId, int extentCount) {
        int payload = BLOCK_STATUS_PREFIX + extentCount * EXTENT_SIZE;
        ByteBuffer out = ByteBuffer.allocate(CHUNK_HEADER_SIZE + payload);
        chunkHeader(out, handle, done, ChunkType.BLOCK_STATUS, payload);
        return out.putInt(contextId);
    }

    /** A final ERROR chunk with a message for humans. */
    public static ByteBuffer error(long handle, Errno error, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, StringLimits.MAX_STRING);
        ByteBuffer out = ByteBuffer.allocate(CHUNK_HEADER_SIZE + ERROR_PREFIX + length);
        chunkHeader(out, handle, true, ChunkType.ERROR, ERROR_PREFIX + length);
        return out.putInt(error.code()).putShort((short) length).put(text, 0, length).flip();
    }

    /** A final chunk with no payload, for successful replies that carry nothing. */
    public static ByteBuffer done(long handle) {
        ByteBuffer out = ByteBuffer.allocate(CHUNK_HEADER_SIZE);
        chunkHeader(out, handle, true, ChunkType.NONE, 0);
        return out.flip();
    }

    private static void chunkHeader(ByteBuffer out, long handle, boolean done, int type, int length) {
        out.putInt(NbdMagic.STRUCTURED_REPLY).putShort((short) (done ? ChunkType.FLAG_DONE : 0))
                .putShort((short) type).putLong(handle).putInt(length);
    }
}
