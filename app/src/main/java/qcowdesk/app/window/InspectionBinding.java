package qcowdesk.app.window;

import qcowdesk.app.info.InspectionModel;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.app.inspect.InspectionView;

import java.util.ArrayList;
import java.util.List;

/** Keeps the inspection panes showing what the inspection model says, clearing them before a disk goes away. */
final class InspectionBinding {

    private final InspectionModel model;
    private final List<InspectionView> views = new ArrayList<>();

    InspectionBinding(InspectionModel model) {
        this.model = model;
        model.shownProperty().addListener((observable, old, image) -> views.forEach(view -> {
            if (image == null) {
                view.clear();
            } else {
                view.show(image);
            }
        }));
    }

    /** From now on {@code view} shows what the model shows, starting with the image it shows now, if any. */
    <V extends InspectionView> V bind(V view) {
        views.add(view);
        InspectedImage shown = model.shownProperty().get();
        if (shown != null) {
            view.show(shown);
        }
        return view;
    }
}
