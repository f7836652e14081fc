package qcowdesk.bridge.nbd.wire;

/** Options a client may send during option haggling, with their wire codes. */
public enum OptionType {
    EXPORT_NAME(1),
    ABORT(2),
    LIST(3),
    PEEK_EXPORT(4),
    STARTTLS(5),
    INFO(6),
    GO(7),
    STRUCTURED_REPLY(8),
    LIST_META_CONTEXT(9),
    SET_META_CONTEXT(10),
    EXTENDED_HEADERS(11);

    private final int code;

    OptionType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The option with this code, or null when the code is not one we know. */
    public static OptionType fromCode(int code) {
        for (OptionType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
