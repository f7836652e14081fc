package qcowdesk.app.window;

import qcowdesk.app.info.InspectionModel;
import qcowdesk.app.inspect.InspectionView;

import java.util.List;

/** Keeps the inspection panes showing what the inspection model says, clearing them before a disk goes away. */
final class InspectionBinding {

    InspectionBinding(InspectionModel model, List<InspectionView> views) {
        model.shownProperty().addListener((observable, old, image) -> views.forEach(view -> {
            if (image == null) {
                view.clear();
            } else {
                view.show(image);
            }
        }));
    }
}
