package qcowdesk.app.window;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import qcowdesk.app.background.BackgroundTask;
import atlantafx.base.theme.Styles;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import qcowdesk.app.devices.BackgroundOwner;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import org.controlsfx.control.StatusBar;

/** The status bar: how devices are served (embedded owner or a daemon), and the job in progress. */
final class StatusLine extends StatusBar {

    static final String CONNECTION_ID = "status-connection";
    static final String START_OWNER_ID = "start-owner";
    static final String NOTICE_ID = "status-notice";

    StatusLine(AppModel model) {
        setId("status-bar");
        Label connection = new Label();
        connection.setId(CONNECTION_ID);
        Button startOwner = new Button("Start a background owner");
        startOwner.setId(START_OWNER_ID);
        startOwner.getStyleClass().add(Styles.SMALL);
        startOwner.managedProperty().bind(startOwner.visibleProperty());
        startOwner.setOnAction(event -> startOwner(model));
        Runnable describe = () -> {
            String lost = model.devices().ownerLostProperty().get();
            startOwner.setVisible(!lost.isEmpty());
            connection.getStyleClass().remove(Styles.DANGER);
            if (lost.isEmpty()) {
                connection.setText(model.devices().service().description() + " · NBD socket " + model.devices().service().nbdSocket());
            } else {
                connection.getStyleClass().add(Styles.DANGER);
                connection.setText("The device owner is gone (" + lost + "); its devices went with it");
            }
        };
        describe.run();
        model.devices().ownerLostProperty().addListener((observable, old, lost) -> describe.run());
        model.devices().devices().addListener((ListChangeListener<Object>) change -> describe.run());
        Label notice = new Label();
        notice.setId(NOTICE_ID);
        notice.getStyleClass().add(Styles.WARNING);
        notice.textProperty().bind(model.devices().ownerNoticeProperty());
        notice.managedProperty().bind(notice.visibleProperty());
        notice.visibleProperty().bind(notice.textProperty().isNotEmpty());
        notice.setTooltip(new Tooltip());
        notice.getTooltip().textProperty().bind(notice.textProperty());
        getLeftItems().addAll(connection, startOwner, notice);
        setText("");
        model.jobs().running().addListener((ListChangeListener<BackgroundTask<?>>) change -> follow(model));
    }

    /** Starts a qcowctl daemon where the lost one ran; the device service connects to it on its next look. */
    private static void startOwner(AppModel model) {
        model.jobs().submit("Starting a background owner", progress -> BackgroundOwner.locate()
                .orElseThrow(() -> new EngineException(ErrorCode.IO, "qcowctl was not found (beside the app, on the PATH,"
                        + " or set " + BackgroundOwner.COMMAND_PROPERTY + ")"))
                .start(model.directories().runtime()), started -> model.devices().refreshNow());
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
