package qcowdesk.engine.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Positional reads and writes that finish the whole buffer: the one read-fully loop of the engine. */
public final class FileIo {

    private FileIo() {
    }

    /**
     * Fills all of {@code dst} from {@code position}, leaving its position at its limit; bytes past the end of the
     * file read as zeros, as QEMU reads them.
     */
    public static void readFully(FileChannel file, ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = file.read(dst, at);
            if (n < 0) {
                Buffers.zero(dst, dst.remaining());
                return;
            }
            at += n;
        }
    }

    /** {@link #readFully}, then flips {@code dst} so that it holds what was read. */
    public static ByteBuffer read(FileChannel file, ByteBuffer dst, long position) throws IOException {
        readFully(file, dst, position);
        return dst.flip();
    }

    public static void writeFully(FileChannel file, ByteBuffer src, long position) throws IOException {
        long at = position;
        while (src.hasRemaining()) {
            at += file.write(src, at);
        }
    }
}
