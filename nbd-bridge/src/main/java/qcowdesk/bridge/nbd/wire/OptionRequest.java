package qcowdesk.bridge.nbd.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One option sent during option haggling, with its data (already bounded in size by the reader).
 *
 * @param code raw option code
 * @param data option data, positioned at its start; parse methods consume it
 */
public record OptionRequest(int code, ByteBuffer data) {

    /** The option, or null when the code is unknown. */
    public OptionType type() {
        return OptionType.fromCode(code);
    }

    /** Reads a 32-bit length then that many bytes of UTF-8; a length past the data is a syntax error. */
    public String readString() throws OptionSyntaxException {
        long length = readUnsignedInt();
        return readString(length);
    }

    /** Reads {@code length} bytes of UTF-8. */
    public String readString(long length) throws OptionSyntaxException {
        if (length > data.remaining()) {
            throw new OptionSyntaxException("string of " + length + " bytes overruns the option data");
        }
        if (length > StringLimits.MAX_STRING) {
            throw new OptionSyntaxException("string of " + length + " bytes is longer than " + StringLimits.MAX_STRING);
        }
        byte[] bytes = new byte[(int) length];
        data.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public long readUnsignedInt() throws OptionSyntaxException {
        require(4);
        return Integer.toUnsignedLong(data.getInt());
    }

    public int readUnsignedShort() throws OptionSyntaxException {
        require(2);
        return Short.toUnsignedInt(data.getShort());
    }

    public boolean hasRemaining() {
        return data.hasRemaining();
    }

    private void require(int bytes) throws OptionSyntaxException {
        if (data.remaining() < bytes) {
            throw new OptionSyntaxException("option data ends early");
        }
    }

    /** The option data does not parse: the client gets NBD_REP_ERR_INVALID. */
    public static final class OptionSyntaxException extends Exception {
        public OptionSyntaxException(String message) {
            super(message);
        }
    }
}
