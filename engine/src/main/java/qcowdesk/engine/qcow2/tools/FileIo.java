package qcowdesk.engine.qcow2.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Positional reads and writes that finish the whole buffer. */
final class FileIo {

    private FileIo() {
    }

    /** Fills {@code dst} from {@code position}; bytes past the end of the file read as zeros, as QEMU reads them. */
    static ByteBuffer read(FileChannel file, ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = file.read(dst, at);
            if (n < 0) {
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
                break;
            }
            at += n;
        }
        return dst.flip();
    }

    static void write(FileChannel file, ByteBuffer src, long position) throws IOException {
        long at = position;
        while (src.hasRemaining()) {
            at += file.write(src, at);
        }
    }
}
