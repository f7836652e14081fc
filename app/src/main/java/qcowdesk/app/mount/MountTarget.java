package qcowdesk.app.mount;

/**
 * A choice of what to mount, as the dialog lists it.
 *
 * @param partition the number the owner takes: a partition, 0 for the whole disk, -1 for "the only one"
 * @param label     what the user reads, e.g. {@code Partition 1: ext4 "data"}
 */
public record MountTarget(int partition, String label) {

    static final MountTarget ONLY = new MountTarget(-1, "The only partition (or the whole disk)");
    static final MountTarget WHOLE = new MountTarget(0, "The whole disk");

    @Override
    public String toString() {
        return label;
    }
}
