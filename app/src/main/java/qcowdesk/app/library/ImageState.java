package qcowdesk.app.library;

/** Whether a library entry's file could be read. */
public enum ImageState {
    LOADING("Reading…"),
    READY("Ready"),
    MISSING("File missing"),
    UNREADABLE("Unreadable");

    private final String label;

    ImageState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
