package qcowdesk.app.window;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import qcowdesk.app.background.BackgroundTask;
import javafx.scene.control.Label;
import org.controlsfx.control.StatusBar;
import qcowdesk.app.AppModel;

/** The status bar: how devices are served (embedded owner or a daemon), and the job in progress. */
final class StatusLine extends StatusBar {

    static final String CONNECTION_ID = "status-connection";

    StatusLine(AppModel model) {
        setId("status-bar");
        Label connection = new Label(model.devices().service().description()
                + " · NBD socket " + model.devices().service().nbdSocket());
        connection.setId(CONNECTION_ID);
        getLeftItems().add(connection);
        setText("");
        model.jobs().running().addListener((ListChangeListener<BackgroundTask<?>>) change -> follow(model));
    }

    /** Shows the oldest running job's title and progress; nothing when idle. */
    private void follow(AppModel model) {
        textProperty().unbind();
        progressProperty().unbind();
        if (model.jobs().running().isEmpty()) {
            setText("");
            setProgress(0);
            return;
        }
        BackgroundTask<?> task = model.jobs().running().get(0);
        textProperty().bind(Bindings.concat(task.title(), "  ", task.messageProperty()));
        progressProperty().bind(task.progressProperty());
    }
}
