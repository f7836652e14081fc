package qcowdesk.app.view;

import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;

/** Stands in a tab whose inspection view is not part of this build yet, and says so. */
final class InspectionPlaceholder extends StackPane {

    InspectionPlaceholder(String what) {
        Label label = new Label(what + " is not available yet in this build.");
        label.setWrapText(true);
        setAlignment(Pos.CENTER);
        getChildren().add(label);
    }
}
