package qcowdesk.app.map;

import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.app.inspect.InspectionView;

/** Allocation map of the guest disk and the host file. */
public class AllocationMapPane extends BorderPane implements InspectionView {

    private final Label placeholder = new Label("No image selected");

    public AllocationMapPane() {
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
