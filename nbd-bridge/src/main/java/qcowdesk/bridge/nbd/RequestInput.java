package qcowdesk.bridge.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Buffered reading of the request stream. Clients pipeline requests, so one read system call usually brings
 * several request headers and small WRITE payloads; serving them from this buffer instead of reading each
 * header and each payload separately halves the system calls per request. Large payloads bypass the buffer.
 */
final class RequestInput {

    private static final int CAPACITY = 128 * 1024;

    private final ReadableByteChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(CAPACITY).flip();

    RequestInput(ReadableByteChannel channel) {
        this.channel = channel;
    }

    /** Fills {@code dst}; false on a clean end of input before its first byte, EOFException after it. */
    boolean readOrEnd(ByteBuffer dst) throws IOException {
        if (!buffer.hasRemaining() && dst.hasRemaining() && !refill()) {
            return false;
        }
        readFully(dst);
        return true;
    }

    /** Fills {@code dst}, or fails with EOFException when the client closes first. */
    void readFully(ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (buffer.hasRemaining()) {
                int n = Math.min(buffer.remaining(), dst.remaining());
                ByteBuffer slice = buffer.duplicate();
                slice.limit(slice.position() + n);
                dst.put(slice);
                buffer.position(buffer.position() + n);
            } else if (dst.remaining() >= CAPACITY) {
                if (channel.read(dst) < 0) {
                    throw new EOFException("the client closed the connection in the middle of a request");
                }
            } else if (!refill()) {
                throw new EOFException("the client closed the connection in the middle of a request");
            }
        }
    }

    /** How many bytes can be taken without reading the socket again. */
    int buffered() {
        return buffer.remaining();
    }

    /**
     * The next {@code length} bytes as a view of this input's buffer, if they are all buffered (else null, and
     * nothing is taken). The view is valid until the next read from this input: a caller uses it before then.
     */
    ByteBuffer takeBuffered(int length) {
        if (buffer.remaining() < length) {
            return null;
        }
        ByteBuffer view = buffer.slice(buffer.position(), length);
        buffer.position(buffer.position() + length);
        return view;
    }

    /** Drops {@code length} bytes (the payload of a refused WRITE) without allocating. */
    void skip(long length) throws IOException {
        long left = length;
        while (left > 0) {
            if (!buffer.hasRemaining() && !refill()) {
                throw new EOFException("the client closed the connection in the middle of a request");
            }
            int n = (int) Math.min(left, buffer.remaining());
            buffer.position(buffer.position() + n);
            left -= n;
        }
    }

    private boolean refill() throws IOException {
        buffer.clear();
        int n;
        try {
            n = channel.read(buffer);
        } finally {
            buffer.flip();
        }
        return n >= 0;
    }
}
