package qcowdesk.bridge.nbd.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;

/** Blocking whole-buffer reads and gathering writes on a channel. */
public final class ChannelIO {

    /** Largest chunk used to skip unwanted input; skipping never allocates more. */
    private static final int SKIP_CHUNK = 64 * 1024;

    private ChannelIO() {
    }

    /** Fills the remaining bytes of {@code dst}; a peer that closes first gives EOFException. */
    public static void readFully(ReadableByteChannel channel, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (channel.read(dst) < 0) {
                throw new EOFException("the peer closed the connection in the middle of a message");
            }
        }
    }

    /** Reads exactly {@code length} bytes into a fresh big-endian buffer, flipped for reading. */
    public static ByteBuffer readBytes(ReadableByteChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        readFully(channel, buffer);
        return buffer.flip();
    }

    /** Reads and drops {@code length} bytes through a small buffer (bounded memory whatever the length). */
    public static void skip(ReadableByteChannel channel, long length) throws IOException {
        ByteBuffer scratch = ByteBuffer.allocate((int) Math.min(SKIP_CHUNK, Math.max(length, 0)));
        long left = length;
        while (left > 0) {
            scratch.clear().limit((int) Math.min(scratch.capacity(), left));
            readFully(channel, scratch);
            left -= scratch.limit();
        }
    }

    /** Writes all remaining bytes of all buffers, in as few system calls as the channel allows. */
    public static void writeFully(GatheringByteChannel channel, ByteBuffer... buffers) throws IOException {
        int first = 0;
        while (first < buffers.length) {
            channel.write(buffers, first, buffers.length - first);
            while (first < buffers.length && !buffers[first].hasRemaining()) {
                first++;
            }
        }
    }
}
