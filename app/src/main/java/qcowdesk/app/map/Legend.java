package qcowdesk.app.map;

import java.util.Map;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;

/** A row of colour swatches with a name and a cluster count each. */
final class Legend extends FlowPane {

    Legend() {
        super(16, 4);
        setPadding(new Insets(6, 8, 6, 8));
        getStyleClass().add("map-legend");
    }

    /** Shows one entry per colour: {@code name -> (colour, clusters)}; a null count shows the name alone. */
    void show(Map<String, Color> colours, Map<String, Long> counts) {
        getChildren().clear();
        colours.forEach((name, colour) -> {
            // Empty space is drawn in the theme's own shade: an outline stands for it on light and dark alike.
            Rectangle swatch = new Rectangle(12, 12, colour == MapCanvas.EMPTY ? Color.TRANSPARENT : colour);
            swatch.setStroke(Color.web("#9ca3af"));
            Long count = counts.get(name);
            Label label = new Label(count == null ? name : name + " " + String.format("%,d", count));
            HBox entry = new HBox(5, swatch, label);
            entry.setAlignment(Pos.CENTER_LEFT);
            getChildren().add(entry);
        });
    }
}
