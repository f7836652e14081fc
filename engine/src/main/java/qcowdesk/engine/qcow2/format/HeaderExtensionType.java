package qcowdesk.engine.qcow2.format;

import java.util.Optional;

/** Header extension types of the QCOW2 specification (docs/interop/qcow2.txt, "Header extensions"). */
public enum HeaderExtensionType {
    /** Marks the end of the extension area. */
    END(0x00000000),
    BACKING_FORMAT(0xe2792aca),
    FEATURE_NAME_TABLE(0x6803f857),
    BITMAPS(0x23852875),
    FULL_DISK_ENCRYPTION(0x0537be77),
    EXTERNAL_DATA_FILE(0x44415441);

    private final int magic;

    HeaderExtensionType(int magic) {
        this.magic = magic;
    }

    public int magic() {
        return magic;
    }

    /** The type with this magic, or empty for one this engine does not know (kept verbatim on rewrite). */
    public static Optional<HeaderExtensionType> of(int magic) {
        for (HeaderExtensionType t : values()) {
            if (t.magic == magic) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
