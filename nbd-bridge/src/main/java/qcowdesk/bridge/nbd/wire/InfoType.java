package qcowdesk.bridge.nbd.wire;

/** Information items of NBD_REP_INFO replies to NBD_OPT_INFO and NBD_OPT_GO. */
public enum InfoType {
    EXPORT(0),
    NAME(1),
    DESCRIPTION(2),
    BLOCK_SIZE(3);

    private final int code;

    InfoType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The item with this code, or null for codes we do not know (clients may ask for those; we ignore them). */
    public static InfoType fromCode(int code) {
        for (InfoType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
