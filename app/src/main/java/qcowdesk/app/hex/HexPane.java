package qcowdesk.app.hex;

import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.app.inspect.InspectionView;

/** Sector viewer of the guest disk. */
public class HexPane extends BorderPane implements InspectionView {

    private final Label placeholder = new Label("No image selected");

    public HexPane() {
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
