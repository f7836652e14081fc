package qcowdesk.bridge.nbd.wire;

/** The 16-bit flags of a transmission request. */
public final class CommandFlags {

    public static final int FUA = 1;
    public static final int NO_HOLE = 1 << 1;
    public static final int DF = 1 << 2;
    public static final int REQ_ONE = 1 << 3;
    public static final int FAST_ZERO = 1 << 4;

    private CommandFlags() {
    }

    public static boolean has(int flags, int flag) {
        return (flags & flag) != 0;
    }
}
