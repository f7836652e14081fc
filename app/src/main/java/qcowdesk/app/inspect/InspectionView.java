package qcowdesk.app.inspect;

/**
 * What every inspection pane offers the main window: show an image, or show nothing.
 * Both are called on the FX thread; the panes do their disk work in background tasks.
 */
public interface InspectionView {

    /** Shows {@code image}, replacing whatever was shown (background work for the old image is cancelled). */
    void show(InspectedImage image);

    /** Shows nothing, cancels background work and drops every subscription to the previous disk. */
    void clear();
}
