package qcowdesk.engine.contents.partition;

/** How a disk is divided. */
public enum PartitionScheme {
    /** No partition table: the whole disk is one volume (or empty). */
    NONE("none"),
    /** A DOS/MBR table, with logical partitions in an extended chain. */
    MBR("dos"),
    /** A GUID partition table (behind a protective or hybrid MBR). */
    GPT("gpt");

    private final String label;

    PartitionScheme(String label) {
        this.label = label;
    }

    /** The name sfdisk gives the label type ("dos", "gpt"). */
    public String label() {
        return label;
    }
}
