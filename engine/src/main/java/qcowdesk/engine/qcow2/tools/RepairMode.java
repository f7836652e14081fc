package qcowdesk.engine.qcow2.tools;

/** What a repair may change, as {@code qemu-img check -r leaks|all}. */
public enum RepairMode {
    /** Lower refcounts that are too high (never touches data that is in use). */
    LEAKS,
    /** Also raise refcounts that are too low, rebuild a damaged refcount structure and fix COPIED flags. */
    ALL
}
