package qcowdesk.app.detach;

import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Window;
import qcowdesk.engine.device.DeviceInfo;

/** Asks the detach questions with alerts; Force is offered only when clients are (or turn out to be) connected. */
public final class DetachDialogs implements DetachQuestions {

    static final ButtonType DETACH = new ButtonType("Detach", ButtonBar.ButtonData.OK_DONE);
    static final ButtonType FORCE = new ButtonType("Force detach", ButtonBar.ButtonData.OK_DONE);

    private final Window owner;

    public DetachDialogs(Window owner) {
        this.owner = owner;
    }

    @Override
    public DetachChoice confirm(DeviceInfo device) {
        boolean busy = device.clients() > 0;
        Alert alert = alert(busy ? Alert.AlertType.WARNING : Alert.AlertType.CONFIRMATION,
                "Detach " + device.unit() + "?",
                busy ? clients(device) + " connected to " + device.unit() + ". Detaching needs them gone: "
                        + "Force detach disconnects them (their I/O stops), flushes and closes " + device.fileName() + "."
                        : device.unit() + " will stop being served and " + device.fileName() + " will be closed.",
                busy ? FORCE : DETACH);
        ButtonType answer = alert.showAndWait().orElse(ButtonType.CANCEL);
        return answer == FORCE ? DetachChoice.FORCE : answer == DETACH ? DetachChoice.DETACH : DetachChoice.CANCEL;
    }

    @Override
    public boolean forceWhenBusy(DeviceInfo device, String reason) {
        Alert alert = alert(Alert.AlertType.WARNING, device.unit() + " is busy",
                reason + "\n\nForce detach disconnects the clients (their I/O stops), flushes and closes the file.", FORCE);
        return alert.showAndWait().orElse(ButtonType.CANCEL) == FORCE;
    }

    private Alert alert(Alert.AlertType type, String header, String content, ButtonType action) {
        Alert alert = new Alert(type, content, action, ButtonType.CANCEL);
        alert.initOwner(owner);
        alert.setTitle("Detach");
        alert.setHeaderText(header);
        return alert;
    }

    private static String clients(DeviceInfo device) {
        return device.clients() == 1 ? "1 client is" : device.clients() + " clients are";
    }
}
