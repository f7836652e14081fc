package qcowdesk.app.detach;

import qcowdesk.app.background.Jobs;
import qcowdesk.app.devices.DevicesModel;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.DeviceInfo;

/**
 * Detaching a device: ask first, detach plainly, and retry with force only when the engine says the device is
 * busy and the user chooses force. Called on the FX thread; the detaches run as jobs.
 */
public final class DetachFlow {

    private final DevicesModel devices;
    private final Jobs jobs;

    public DetachFlow(DevicesModel devices, Jobs jobs) {
        this.devices = devices;
        this.jobs = jobs;
    }

    /** Detaches after asking the user; retries with force only when the user chooses it. */
    public void detach(DeviceInfo device, DetachQuestions questions) {
        DetachChoice choice = questions.confirm(device);
        if (choice == DetachChoice.CANCEL) {
            return;
        }
        jobs.submit("Detaching " + device.unit(), progress -> {
            devices.service().detach(device.unit(), choice == DetachChoice.FORCE);
            return device;
        }, detached -> devices.refreshNow(), failure -> {
            if (isBusy(failure) && questions.forceWhenBusy(device, failure.message())) {
                jobs.submit("Detaching " + device.unit() + " with force", progress -> {
                    devices.service().detach(device.unit(), true);
                    return device;
                }, detached -> devices.refreshNow());
            } else if (!isBusy(failure)) {
                jobs.report(failure.title(), failure.error());
            }
            devices.refreshNow();
        });
    }

    private static boolean isBusy(Jobs.Failure failure) {
        return failure.error() instanceof EngineException engine && engine.code() == ErrorCode.BUSY;
    }
}
