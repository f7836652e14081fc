package qcowdesk.engine.qcow2;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One header extension: a typed blob stored after the fixed header fields. Unknown types are kept verbatim so that
 * rewriting the header never loses what another tool put there.
 *
 * @param type the extension's magic number
 * @param data the payload, without the padding to 8 bytes
 */
public record HeaderExtension(int type, byte[] data) {

    public static final int END = 0x00000000;
    public static final int BACKING_FORMAT = 0xe2792aca;
    public static final int FEATURE_NAME_TABLE = 0x6803f857;
    public static final int EXTERNAL_DATA_FILE = 0x44415441;
    public static final int BITMAPS = 0x23852875;
    public static final int FULL_DISK_ENCRYPTION = 0x0537be77;

    public HeaderExtension {
        data = data.clone();
    }

    public static HeaderExtension ofString(int type, String value) {
        return new HeaderExtension(type, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The payload as a string (backing format, data file name). */
    public String asString() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Bytes the extension occupies in the header: 8 for type and length, then the payload padded to 8. */
    public int encodedLength() {
        return 8 + ((data.length + 7) & ~7);
    }

    public boolean isKnown() {
        return type == BACKING_FORMAT || type == FEATURE_NAME_TABLE || type == EXTERNAL_DATA_FILE || type == BITMAPS;
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
        return String.format("HeaderExtension[type=0x%08x, %d bytes]", type, data.length);
    }
}
