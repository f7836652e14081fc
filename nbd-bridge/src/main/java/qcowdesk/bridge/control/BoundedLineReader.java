package qcowdesk.bridge.control;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads newline-terminated lines without ever holding more than a fixed number of bytes: a peer that sends an
 * endless line costs a bounded buffer, and the reader resynchronises at the next newline.
 */
final class BoundedLineReader {

    /** One read: a line, a line that was too long (and has been skipped), or the end of the stream. */
    sealed interface Line {
    }

    record Text(String text) implements Line {
    }

    record TooLong(long bytes) implements Line {
    }

    record End() implements Line {
    }

    private final InputStream in;
    private final byte[] buffer;

    BoundedLineReader(InputStream in, int maxBytes) {
        this.in = new BufferedInputStream(in);
        this.buffer = new byte[maxBytes];
    }

    Line next() throws IOException {
        int length = 0;
        long skipped = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                // a last line without its newline still counts; an overlong one was already refused
                return skipped > 0 ? new TooLong(skipped + length) : length > 0 ? text(length) : new End();
            }
            if (b == '\n') {
                return skipped > 0 ? new TooLong(skipped + length) : text(length);
            }
            if (length == buffer.length) {
                skipped += length;
                length = 0;
            }
            buffer[length++] = (byte) b;
        }
    }

    private Text text(int length) {
        int end = length > 0 && buffer[length - 1] == '\r' ? length - 1 : length;
        return new Text(new String(buffer, 0, end, StandardCharsets.UTF_8));
    }
}
