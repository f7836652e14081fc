package qcowdesk.app.quit;

import qcowdesk.app.background.Jobs;
import qcowdesk.app.devices.BackgroundOwner;
import qcowdesk.app.devices.DevicesModel;
import qcowdesk.app.devices.Handover;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.engine.device.DeviceInfo;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Quitting with devices attached: when this process owns them, quitting would detach them and cut their
 * clients off, so the user is asked first: detach all and quit, keep them running in a background owner (the
 * devices are handed to a {@code qcowctl daemon}), or cancel. Called on the FX thread.
 */
public final class QuitFlow {

    /** What the user answered. */
    public enum Choice { DETACH_ALL, KEEP_RUNNING, CANCEL }

    /** Asks the question; the view answers with a dialog. */
    public interface Question {
        Choice ask(List<DeviceInfo> devices, boolean backgroundIsDefault);
    }

    private final DevicesModel devices;
    private final Jobs jobs;
    private final RuntimeDirectory runtime;
    private final BooleanSupplier backgroundIsDefault;

    /** {@code backgroundIsDefault}: the preference that makes keeping the devices running the default answer. */
    public QuitFlow(DevicesModel devices, Jobs jobs, RuntimeDirectory runtime, BooleanSupplier backgroundIsDefault) {
        this.devices = devices;
        this.jobs = jobs;
        this.runtime = runtime;
        this.backgroundIsDefault = backgroundIsDefault;
    }

    /**
     * Decides whether the app may close now. {@code quit} is called later when the devices were first handed
     * over in the background (the window then closes itself); {@code onFailure} says why a hand-over failed.
     */
    public boolean mayQuitNow(Question question, Runnable quit, Consumer<Jobs.Failure> onFailure) {
        List<DeviceInfo> attached = List.copyOf(devices.devices());
        if (!devices.service().ownsDevices() || attached.isEmpty()) {
            return true;
        }
        Choice choice = question.ask(attached, backgroundIsDefault.getAsBoolean());
        if (choice == Choice.DETACH_ALL) {
            return true;
        }
        if (choice == Choice.KEEP_RUNNING) {
            keepRunning(quit, onFailure);
        }
        return false;
    }

    private void keepRunning(Runnable quit, Consumer<Jobs.Failure> onFailure) {
        jobs.submit("Handing the devices to a background owner", progress -> {
            BackgroundOwner owner = BackgroundOwner.locate().orElseThrow(() -> new EngineException(ErrorCode.IO,
                    "qcowctl was not found (beside the app, on the PATH, or set " + BackgroundOwner.COMMAND_PROPERTY
                            + "): the devices cannot be kept running"));
            return Handover.toBackground(devices.service(), runtime, owner);
        }, units -> quit.run(), onFailure);
    }
}
