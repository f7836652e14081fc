package qcowdesk.app.map;

import javafx.scene.paint.Color;

/** What a {@link MapCanvas} draws: a colour, a fill level and a description per cell. */
public interface CellSource {

    int cellCount();

    Color color(int cell);

    /** How full the cell is drawn, 0..1 (aggregated cells show how many of their clusters are used). */
    double fill(int cell);

    /** Tooltip text for the cell. */
    String describe(int cell);
}
