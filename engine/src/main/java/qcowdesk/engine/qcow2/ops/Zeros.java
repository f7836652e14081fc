package qcowdesk.engine.qcow2.ops;

import java.nio.ByteBuffer;

/** Zero detection, the basis of sparse output: a range that reads as zeros is not written. */
final class Zeros {

    private Zeros() {
    }

    /** Whether {@code length} bytes of {@code buf} from absolute index {@code from} are all zero. */
    static boolean isZero(ByteBuffer buf, int from, int length) {
        int i = from;
        int end = from + length;
        for (; i + 8 <= end; i += 8) {
            if (buf.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            if (buf.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
