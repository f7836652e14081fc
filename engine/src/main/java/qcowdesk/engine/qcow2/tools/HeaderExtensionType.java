package qcowdesk.engine.qcow2.tools;

/** Header extension magics of the QCOW2 specification (docs/interop/qcow2.txt). */
public enum HeaderExtensionType {
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
}
