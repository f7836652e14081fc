package qcowdesk.app.growth;

import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.app.inspect.InspectionView;

/** File size and allocated clusters over time. */
public class GrowthPane extends BorderPane implements InspectionView {

    private final Label placeholder = new Label("No image selected");

    public GrowthPane() {
        getStyleClass().add("inspection-view");
        setCenter(placeholder);
    }

    @Override
    public void show(InspectedImage image) {
        placeholder.setText(image.name());
    }

    @Override
    public void clear() {
        placeholder.setText("No image selected");
    }
}
