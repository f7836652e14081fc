package qcowdesk.app.map;

import javafx.scene.paint.Color;
import qcowdesk.engine.qcow2.tools.HostClusterKind;

/** What a cluster of the image file holds, with its legend colour. */
public enum HostKind {
    FREE("free", MapCanvas.EMPTY),
    HEADER("header", Color.web("#111827")),
    L1("L1 table", Color.web("#dc2626")),
    L2("L2 tables", Color.web("#f97316")),
    REFCOUNT_TABLE("refcount table", Color.web("#0f766e")),
    REFCOUNT_BLOCK("refcount blocks", Color.web("#2dd4bf")),
    SNAPSHOTS_AND_BITMAPS("snapshots, bitmaps", Color.web("#6b7280")),
    DATA("data", Color.web("#2563eb")),
    COMPRESSED("compressed", Color.web("#9333ea")),
    LEAKED("leaked", Color.web("#e11d48"));

    private final String label;
    private final Color colour;

    HostKind(String label, Color colour) {
        this.label = label;
        this.colour = colour;
    }

    public String label() {
        return label;
    }

    public Color colour() {
        return colour;
    }

    @Override
    public String toString() {
        return label;
    }

    /** The view's kind for the engine's classification. */
    public static HostKind of(HostClusterKind kind) {
        return switch (kind) {
            case HEADER -> HEADER;
            case L1_TABLE -> L1;
            case L2_TABLE -> L2;
            case REFCOUNT_TABLE -> REFCOUNT_TABLE;
            case REFCOUNT_BLOCK -> REFCOUNT_BLOCK;
            case DATA -> DATA;
            case COMPRESSED_DATA -> COMPRESSED;
            case SNAPSHOT_TABLE, BITMAP -> SNAPSHOTS_AND_BITMAPS;
            case FREE -> FREE;
            case LEAKED -> LEAKED;
        };
    }
}
