package qcowdesk.app.detach;

import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.TextInputDialog;
import javafx.scene.layout.Region;
import javafx.stage.Window;
import java.util.List;

import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.TemporaryWrites;

import java.nio.file.Path;
import java.util.Optional;

/** Asks the detach questions with alerts; Force is offered only when clients are (or turn out to be) connected. */
public final class DetachDialogs implements DetachQuestions {

    static final String COPY_PATH_ID = "copy-path";
    static final ButtonType DETACH = new ButtonType("Detach", ButtonBar.ButtonData.OK_DONE);
    /** Destructive (clients lose their I/O): never the default button, Enter cancels. */
    static final ButtonType FORCE = new ButtonType("Force detach", ButtonBar.ButtonData.OTHER);
    static final ButtonType UNMOUNT = new ButtonType("Unmount and detach", ButtonBar.ButtonData.OK_DONE);
    static final ButtonType SAVE_COPY = new ButtonType("Save a copy…", ButtonBar.ButtonData.LEFT);
    static final String KEEP_PATH_ID = "keep-path";
    static final String WRITES_DIALOG_ID = "temporary-writes-dialog";
    /** Loses nothing the image had: the default for a temporary device's writes. */
    static final ButtonType DISCARD = new ButtonType("Discard", ButtonBar.ButtonData.OK_DONE);
    static final ButtonType KEEP = new ButtonType("Keep as…", ButtonBar.ButtonData.OTHER);
    /** Rewrites the image: never the default. */
    static final ButtonType COMMIT = new ButtonType("Commit into image", ButtonBar.ButtonData.OTHER);

    private final Window owner;

    public DetachDialogs(Window owner) {
        this.owner = owner;
    }

    @Override
    public DetachChoice confirm(DeviceInfo device, String lostFile) {
        boolean busy = device.clients() > 0;
        if (lostFile != null) {
            Alert alert = alert(Alert.AlertType.WARNING, device.unit() + "'s file is lost", lostFile + ". Everything "
                    + "written to " + device.unit() + " lives only in the file the owner still holds open: detaching "
                    + "closes it and it is gone. Save a copy first (clients should have flushed).", busy ? FORCE : DETACH);
            alert.getDialogPane().getButtonTypes().add(0, SAVE_COPY);
            defaultTo(alert, ButtonType.CANCEL); // detaching now loses the data: Enter must not do it
            ButtonType answer = alert.showAndWait().orElse(ButtonType.CANCEL);
            return answer == SAVE_COPY ? DetachChoice.SAVE_COPY : answer == FORCE ? DetachChoice.FORCE
                    : answer == DETACH ? DetachChoice.DETACH : DetachChoice.CANCEL;
        }
        Alert alert = alert(busy ? Alert.AlertType.WARNING : Alert.AlertType.CONFIRMATION,
                "Detach " + device.unit() + "?",
                busy ? clients(device) + " connected to " + device.unit() + ". Detaching needs them gone: "
                        + "Force detach disconnects them (their I/O stops), flushes and closes " + device.fileName() + "."
                        + " Detach says who they are (processes, mount points) and what can be done."
                        : device.unit() + " will stop being served and " + device.fileName() + " will be closed.",
                busy ? FORCE : DETACH);
        if (busy) {
            alert.getButtonTypes().add(0, DETACH);
            defaultTo(alert, ButtonType.CANCEL); // clients are connected: Enter touches nothing
        }
        ButtonType answer = alert.showAndWait().orElse(ButtonType.CANCEL);
        return answer == FORCE ? DetachChoice.FORCE : answer == DETACH ? DetachChoice.DETACH : DetachChoice.CANCEL;
    }

    @Override
    public Optional<Path> copyTarget(DeviceInfo device) {
        Path original = device.location();
        TextInputDialog dialog = new TextInputDialog(original.resolveSibling(original.getFileName() + ".saved").toString());
        dialog.initOwner(owner);
        dialog.setTitle("Save a copy");
        dialog.setHeaderText("Save a copy of " + device.unit() + "'s file as");
        dialog.getEditor().setId(COPY_PATH_ID);
        dialog.getEditor().setPrefColumnCount(40);
        return dialog.showAndWait().map(String::strip).filter(text -> !text.isEmpty()).map(Path::of);
    }

    /** Discard (the default: Enter), Keep as… (then the new file's name), Commit into image, or Cancel. */
    @Override
    public Optional<TemporaryWrites> temporaryWrites(DeviceInfo device) {
        Alert alert = alert(Alert.AlertType.CONFIRMATION, "What becomes of " + device.unit() + "'s writes?",
                device.unit() + " wrote into a temporary overlay; " + device.fileName() + " itself is unchanged.\n\n"
                        + "Discard throws the writes away.\n"
                        + "Keep as… saves them as a new image file, an overlay backed by " + device.fileName()
                        + " (which must stay where it is).\n"
                        + "Commit into image writes them into " + device.fileName() + ": this rewrites the image.",
                DISCARD);
        alert.getDialogPane().setId(WRITES_DIALOG_ID);
        alert.getDialogPane().getButtonTypes().setAll(DISCARD, KEEP, COMMIT, ButtonType.CANCEL);
        defaultTo(alert, DISCARD);
        alert.getDialogPane().getButtonTypes().forEach(type -> {
            Button button = (Button) alert.getDialogPane().lookupButton(type);
            ButtonBar.setButtonUniformSize(button, false); // "Commit into image" is not cut to the others' width
            button.setMinWidth(Region.USE_PREF_SIZE);
        });
        ButtonType answer = alert.showAndWait().orElse(ButtonType.CANCEL);
        if (answer == DISCARD) {
            return Optional.of(TemporaryWrites.discard());
        }
        if (answer == COMMIT) {
            return Optional.of(TemporaryWrites.commit());
        }
        if (answer == KEEP) {
            return keepTarget(device).map(path -> TemporaryWrites.keep(path.toAbsolutePath()));
        }
        return Optional.empty();
    }

    private Optional<Path> keepTarget(DeviceInfo device) {
        Path given = device.location();
        String name = given.getFileName().toString().replaceFirst("\\.qcow2$", "") + "-kept.qcow2";
        // a relative name was relative to whoever attached it (maybe qcowctl elsewhere), not to this app
        Path suggestion = given.isAbsolute() ? given.resolveSibling(name)
                : Path.of(System.getProperty("user.home"), name);
        TextInputDialog dialog = new TextInputDialog(suggestion.toString());
        dialog.initOwner(owner);
        dialog.setTitle("Keep the writes");
        dialog.setHeaderText("Keep " + device.unit() + "'s writes as the new image");
        dialog.getEditor().setId(KEEP_PATH_ID);
        dialog.getEditor().setPrefColumnCount(40);
        return dialog.showAndWait().map(String::strip).filter(text -> !text.isEmpty()).map(Path::of);
    }

    @Override
    public boolean forceWhenBusy(DeviceInfo device, String reason) {
        Alert alert = alert(Alert.AlertType.WARNING, device.unit() + " is busy",
                reason + "\n\nForce detach disconnects the clients (their I/O stops), flushes and closes the file.", FORCE);
        return alert.showAndWait().orElse(ButtonType.CANCEL) == FORCE;
    }

    /** Names the holders; "Unmount and detach" where mounts are all that hold the device, else "Force detach". */
    @Override
    public DetachChoice whenBusy(DeviceInfo device, String reason, boolean mountsOnly) {
        Alert alert = alert(Alert.AlertType.WARNING, device.unit() + " is busy", reason + "\n\n" + (mountsOnly
                ? "Unmount and detach unmounts its filesystems (flushing them), then detaches."
                : "Force detach unmounts its filesystems (lazily if they are in use), disconnects the clients (their "
                + "I/O stops), flushes and closes the file."), mountsOnly ? UNMOUNT : FORCE);
        alert.getDialogPane().setId("busy-dialog");
        ButtonType answer = alert.showAndWait().orElse(ButtonType.CANCEL);
        return answer == UNMOUNT ? DetachChoice.UNMOUNT_AND_DETACH : answer == FORCE ? DetachChoice.FORCE
                : DetachChoice.CANCEL;
    }

    @Override
    public void tell(DeviceInfo device, List<String> notes) {
        Alert alert = new Alert(Alert.AlertType.INFORMATION, String.join("\n", notes), ButtonType.OK);
        alert.initOwner(owner);
        alert.setTitle("Detach");
        alert.setHeaderText(device.unit() + " is detached");
        alert.show();
    }

    private Alert alert(Alert.AlertType type, String header, String content, ButtonType action) {
        Alert alert = new Alert(type, content, action, ButtonType.CANCEL);
        alert.initOwner(owner);
        alert.setTitle("Detach");
        alert.setHeaderText(header);
        defaultTo(alert, action == FORCE ? ButtonType.CANCEL : action);
        alert.getDialogPane().setMinHeight(Region.USE_PREF_SIZE);
        return alert;
    }

    /** Enter presses {@code type}'s button and no other (a destructive choice is never the default). */
    private static void defaultTo(Alert alert, ButtonType type) {
        alert.getDialogPane().getButtonTypes().forEach(button ->
                ((Button) alert.getDialogPane().lookupButton(button)).setDefaultButton(false));
        ((Button) alert.getDialogPane().lookupButton(type)).setDefaultButton(true);
    }

    private static String clients(DeviceInfo device) {
        return device.clients() == 1 ? "1 client is" : device.clients() + " clients are";
    }
}
