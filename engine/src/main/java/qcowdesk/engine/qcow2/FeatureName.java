package qcowdesk.engine.qcow2;

/**
 * One entry of the feature name table extension: a human-readable name for a feature bit.
 *
 * @param kind 0 incompatible, 1 compatible, 2 autoclear
 * @param bit  bit number within that feature field
 */
public record FeatureName(int kind, int bit, String name) {
    public static final int INCOMPATIBLE = 0;
    public static final int COMPATIBLE = 1;
    public static final int AUTOCLEAR = 2;
    /** Size of one table entry on disk. */
    public static final int ENTRY_SIZE = 48;
}
