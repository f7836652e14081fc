package qcowdesk.bridge.nbd.wire;

/** Reply types the server sends during option haggling; errors have bit 31 set. */
public enum OptionReplyType {
    ACK(1),
    SERVER(2),
    INFO(3),
    META_CONTEXT(4),
    ERR_UNSUP(0x80000000 | 1),
    ERR_POLICY(0x80000000 | 2),
    ERR_INVALID(0x80000000 | 3),
    ERR_PLATFORM(0x80000000 | 4),
    ERR_TLS_REQD(0x80000000 | 5),
    ERR_UNKNOWN(0x80000000 | 6),
    ERR_SHUTDOWN(0x80000000 | 7),
    ERR_BLOCK_SIZE_REQD(0x80000000 | 8),
    ERR_TOO_BIG(0x80000000 | 9);

    private final int code;

    OptionReplyType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean isError() {
        return code < 0;
    }
}
