package qcowdesk.bridge.nbd.wire;

/** Error values of NBD replies (the protocol fixes these numbers, whatever the host's errno values are). */
public enum Errno {
    EPERM(1),
    EIO(5),
    ENOMEM(12),
    EINVAL(22),
    ENOSPC(28),
    EOVERFLOW(75),
    ENOTSUP(95),
    ESHUTDOWN(108);

    private final int code;

    Errno(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
