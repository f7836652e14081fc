package qcowdesk.app.inspect;

import qcowdesk.engine.MapEntry;

/** Where the bytes of a guest cluster come from, as the inspection views show it. */
public enum GuestStatus {
    UNALLOCATED("unallocated"),
    DATA("data"),
    ZERO("zero"),
    COMPRESSED("compressed"),
    BACKING("backing");

    private final String label;

    GuestStatus(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }

    /**
     * Classifies a map extent. Anything provided by a lower layer of the chain is "backing", whatever it
     * holds: what the user wants to see is that this image does not store it.
     */
    public static GuestStatus of(MapEntry entry) {
        if (!entry.present()) {
            return UNALLOCATED;
        }
        if (entry.depth() > 0) {
            return BACKING;
        }
        if (entry.compressed()) {
            return COMPRESSED;
        }
        return entry.data() ? DATA : ZERO;
    }
}
