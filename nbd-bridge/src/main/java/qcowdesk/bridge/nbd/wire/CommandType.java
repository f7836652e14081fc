package qcowdesk.bridge.nbd.wire;

/** Transmission-phase commands, with their wire codes. */
public enum CommandType {
    READ(0),
    WRITE(1),
    DISC(2),
    FLUSH(3),
    TRIM(4),
    CACHE(5),
    WRITE_ZEROES(6),
    BLOCK_STATUS(7);

    /** By wire code (the codes are 0..7): looked up for every request, so no {@code values()} copy each time. */
    private static final CommandType[] BY_CODE = byCode();

    private final int code;

    CommandType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The command with this code, or null when we do not implement it (the client then gets EINVAL). */
    public static CommandType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    private static CommandType[] byCode() {
        CommandType[] byCode = new CommandType[values().length];
        for (CommandType type : values()) {
            byCode[type.code] = type;
        }
        return byCode;
    }
}
