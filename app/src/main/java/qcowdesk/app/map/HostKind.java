package qcowdesk.app.map;

import javafx.scene.paint.Color;

/** What a cluster of the image file holds, with its legend colour. */
public enum HostKind {
    FREE("free", MapCanvas.EMPTY),
    HEADER("header", Color.web("#111827")),
    L1("L1 table", Color.web("#dc2626")),
    L2("L2 tables", Color.web("#f97316")),
    REFCOUNT_TABLE("refcount table", Color.web("#0f766e")),
    REFCOUNT_BLOCK("refcount blocks", Color.web("#2dd4bf")),
    OTHER_METADATA("other metadata", Color.web("#6b7280")),
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
}
