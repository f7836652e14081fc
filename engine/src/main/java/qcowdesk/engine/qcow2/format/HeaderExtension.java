package qcowdesk.engine.qcow2.format;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One header extension: a typed blob stored after the fixed header fields, as type (4 bytes), length (4 bytes),
 * payload padded to 8 bytes. Unknown types are kept verbatim so that rewriting the header never loses what another
 * tool put there.
 *
 * @param type the extension's magic number (see {@link HeaderExtensionType})
 * @param data the payload, without the padding to 8 bytes
 */
public record HeaderExtension(int type, byte[] data) {

    public HeaderExtension {
        data = data.clone();
    }

    public static HeaderExtension of(HeaderExtensionType type, byte[] data) {
        return new HeaderExtension(type.magic(), data);
    }

    public static HeaderExtension ofString(HeaderExtensionType type, String value) {
        return of(type, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the extension at {@code at} of {@code b} (absolute index); the caller checked the length fits. */
    static HeaderExtension read(ByteBuffer b, int at, int length) {
        byte[] data = new byte[length];
        b.get(at + HeaderLayout.EXTENSION_HEADER_LENGTH, data);
        return new HeaderExtension(b.getInt(at), data);
    }

    /** Writes type, length, payload and padding at the buffer's position. */
    void write(ByteBuffer b) {
        b.putInt(type).putInt(data.length).put(data);
        b.position(b.position() + (encodedLength() - HeaderLayout.EXTENSION_HEADER_LENGTH - data.length));
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    public Optional<HeaderExtensionType> kind() {
        return HeaderExtensionType.of(type);
    }

    public boolean is(HeaderExtensionType t) {
        return type == t.magic();
    }

    /** The payload as a string (backing format, data file name). */
    public String asString() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Bytes the extension occupies in the header: 8 for type and length, then the payload padded to 8. */
    public int encodedLength() {
        return HeaderLayout.EXTENSION_HEADER_LENGTH + ((data.length + 7) & ~7);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderExtension other && other.type == type && Arrays.equals(other.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        String payload = HexFormat.of().formatHex(data, 0, Math.min(data.length, 32));
        return String.format("HeaderExtension[type=0x%08x, %d bytes: %s%s]", type, data.length, payload,
                data.length > 32 ? "..." : "");
    }
}
