package qcowdesk.engine.qcow2.ops;

/**
 * The outcome of {@link Compare}: whether the guest contents are equal, where they first differ (the start of the
 * first 512-byte sector that differs, as qemu-img reports it), and whether the sizes differ (reported, as qemu-img
 * does, only when the comparison reached the part only the larger disk has).
 *
 * @param mismatchOffset first differing sector's offset, or -1 when identical
 * @param statusMismatch the difference is in allocation (strict mode), not in content
 */
public record CompareResult(boolean sizeMismatch, long mismatchOffset, boolean statusMismatch) {

    public boolean identical() {
        return mismatchOffset < 0;
    }
}
