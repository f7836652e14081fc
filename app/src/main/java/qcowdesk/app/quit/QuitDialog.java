package qcowdesk.app.quit;

import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.layout.Region;
import javafx.stage.Window;
import qcowdesk.engine.device.DeviceInfo;

import java.util.List;
import java.util.stream.Collectors;

/** The quit question as an alert naming each device and its clients; Cancel is the default unless the preference says keep. */
public final class QuitDialog implements QuitFlow.Question {

    static final ButtonType DETACH_ALL = new ButtonType("Detach all and quit", ButtonBar.ButtonData.OTHER);
    static final ButtonType KEEP = new ButtonType("Keep running in the background", ButtonBar.ButtonData.OK_DONE);

    private final Window owner;

    public QuitDialog(Window owner) {
        this.owner = owner;
    }

    @Override
    public QuitFlow.Choice ask(List<DeviceInfo> devices, boolean backgroundIsDefault) {
        int clients = devices.stream().mapToInt(DeviceInfo::clients).sum();
        String list = devices.stream().map(device -> "• " + device.unit() + ": " + device.fileName()
                        + (device.clients() == 0 ? "" : device.clients() == 1 ? " (1 client connected)"
                        : " (" + device.clients() + " clients connected)"))
                .collect(Collectors.joining("\n"));
        Alert alert = new Alert(Alert.AlertType.WARNING, list + "\n\n"
                + "Detach all: the images are flushed and closed" + (clients > 0 ? ", and the clients are cut off." : ".")
                + "\nKeep running: a background qcowctl daemon serves them under the same names after the app has"
                + " closed" + (clients > 0 ? " (connected clients must reconnect)" : "")
                + "; the next start of the app connects to it.", DETACH_ALL, KEEP, ButtonType.CANCEL);
        alert.initOwner(owner);
        alert.setTitle("Quit QcowDesk");
        alert.setHeaderText(devices.size() == 1 ? "1 device is attached" : devices.size() + " devices are attached");
        alert.getDialogPane().setMinHeight(Region.USE_PREF_SIZE);
        alert.getDialogPane().getButtonTypes().forEach(type ->
                ((Button) alert.getDialogPane().lookupButton(type)).setDefaultButton(false));
        ((Button) alert.getDialogPane().lookupButton(backgroundIsDefault ? KEEP : ButtonType.CANCEL)).setDefaultButton(true);
        ButtonType answer = alert.showAndWait().orElse(ButtonType.CANCEL);
        return answer == DETACH_ALL ? QuitFlow.Choice.DETACH_ALL : answer == KEEP ? QuitFlow.Choice.KEEP_RUNNING
                : QuitFlow.Choice.CANCEL;
    }
}
