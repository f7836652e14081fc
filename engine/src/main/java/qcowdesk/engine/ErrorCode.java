package qcowdesk.engine;

/** Why an engine operation failed, in terms a front end can act on (and the control protocol transmits). */
public enum ErrorCode {
    /** The device has clients and force was not given. */
    BUSY("busy"),
    /** No device has that unit name. */
    NOT_ATTACHED("not-attached"),
    /** A writable open was asked of a file that cannot be written. */
    READ_ONLY_FILE("read-only-file"),
    /** The image is locked by another writer (this process, another QcowDesk or QEMU). */
    IN_USE("in-use"),
    /** A caller-supplied value is out of range or malformed. */
    INVALID_ARGUMENT("invalid-argument"),
    /** The image file is not a valid or supported QCOW2 image. */
    INVALID_IMAGE("invalid-image"),
    /** The image uses a feature this engine does not support (e.g. encryption). */
    UNSUPPORTED("unsupported"),
    /**
     * The image names a file besides itself (backing file, external data file) that is opened only with the
     * user's explicit consent: outside the image's directory, of a format that would have to be guessed, or a data
     * file whose size does not fit the image.
     */
    EXTERNAL_FILE("external-file"),
    /** An input/output error from the operating system. */
    IO("io");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The stable name used in JSON and on the command line. */
    public String wireName() {
        return wireName;
    }
}
