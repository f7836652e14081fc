package qcowdesk.bridge.nbd.wire;

/** Size limits the protocol puts on strings and that we put on option data. */
public final class StringLimits {

    /** The protocol's upper bound for export names, queries and messages. */
    public static final int MAX_STRING = 4096;

    /**
     * Upper bound on the data of one option. The largest legitimate option is a SET_META_CONTEXT with a few
     * queries of at most 4 KiB each; anything bigger is refused (after skipping it) with NBD_REP_ERR_TOO_BIG.
     */
    public static final int MAX_OPTION_DATA = 64 * 1024;

    private StringLimits() {
    }
}
