package qcowdesk.engine.qcow2;

import java.nio.ByteBuffer;

/** Small ByteBuffer helpers. */
final class Buffers {

    private static final byte[] ZEROS = new byte[64 * 1024];

    private Buffers() {
    }

    /** Writes {@code n} zero bytes at the buffer's position and advances it. */
    static void zero(ByteBuffer dst, int n) {
        int left = n;
        while (left > 0) {
            int chunk = Math.min(left, ZEROS.length);
            dst.put(ZEROS, 0, chunk);
            left -= chunk;
        }
    }

    /** A view of the next {@code n} bytes of {@code buf}; advances {@code buf} past them. */
    static ByteBuffer take(ByteBuffer buf, int n) {
        ByteBuffer slice = buf.slice();
        slice.limit(n);
        buf.position(buf.position() + n);
        return slice;
    }

    static boolean isZero(byte[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
