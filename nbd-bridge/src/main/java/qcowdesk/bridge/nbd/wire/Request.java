package qcowdesk.bridge.nbd.wire;

/**
 * One transmission request as it arrived (the payload of a WRITE follows it on the wire).
 *
 * @param flags  command flags ({@link CommandFlags})
 * @param code   raw command code (kept raw so that unknown commands can be answered)
 * @param handle opaque cookie echoed in the reply
 * @param offset unsigned 64-bit offset (a negative value means beyond 2^63)
 * @param length unsigned 32-bit length, widened
 */
public record Request(int flags, int code, long handle, long offset, long length) {

    /** Bytes of a request header on the wire. */
    public static final int HEADER_SIZE = 28;

    /** The command, or null when the code is unknown. */
    public CommandType type() {
        return CommandType.fromCode(code);
    }

    public boolean hasFlag(int flag) {
        return CommandFlags.has(flags, flag);
    }

    /** Offset + length, or Long.MAX_VALUE when that overflows (always beyond any export). */
    public long end() {
        return offset < 0 || offset + length < 0 ? Long.MAX_VALUE : offset + length;
    }
}
