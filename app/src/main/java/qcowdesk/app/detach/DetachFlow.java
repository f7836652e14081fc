package qcowdesk.app.detach;

import java.util.List;
import java.util.Optional;

import qcowdesk.app.background.Jobs;
import qcowdesk.app.devices.DevicesModel;
import qcowdesk.bridge.holders.BusyException;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.TemporaryWrites;

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
        String lost = devices.lostFiles().get(device.unit());
        DetachChoice choice = questions.confirm(device, lost);
        if (choice == DetachChoice.CANCEL) {
            return;
        }
        if (choice == DetachChoice.SAVE_COPY) {
            questions.copyTarget(device).ifPresent(target -> jobs.submit("Saving a copy of " + device.unit(),
                    progress -> FileRescue.copy(devices.service(), device, target, progress),
                    copied -> detach(device, questions)));
            return;
        }
        TemporaryWrites end = null;
        if (device.temporary()) {
            Optional<TemporaryWrites> asked = questions.temporaryWrites(device);
            if (asked.isEmpty()) {
                return;
            }
            end = asked.get();
        }
        TemporaryWrites writes = end;
        jobs.submit("Detaching " + device.unit(),
                progress -> devices.service().detach(device.unit(), choice == DetachChoice.FORCE, false, writes),
                notes -> done(device, notes, questions), failure -> {
                    if (isBusy(failure)) {
                        boolean mountsOnly = failure.error() instanceof BusyException busy && busy.mountsOnly();
                        DetachChoice retry = questions.whenBusy(device, failure.message(), mountsOnly);
                        if (retry == DetachChoice.FORCE || retry == DetachChoice.UNMOUNT_AND_DETACH) {
                            again(device, retry, writes, questions);
                        }
                    } else {
                        jobs.report(failure.title(), failure.error());
                    }
                    devices.refreshNow();
                });
    }

    private void again(DeviceInfo device, DetachChoice how, TemporaryWrites writes, DetachQuestions questions) {
        boolean force = how == DetachChoice.FORCE;
        jobs.submit((force ? "Force detaching " : "Unmounting and detaching ") + device.unit(),
                progress -> devices.service().detach(device.unit(), force, !force, writes),
                notes -> done(device, notes, questions), failure -> {
                    jobs.report(failure.title(), failure.error());
                    devices.refreshNow();
                });
    }

    private void done(DeviceInfo device, List<String> notes, DetachQuestions questions) {
        devices.refreshNow();
        if (!notes.isEmpty()) {
            questions.tell(device, notes);
        }
    }

    private static boolean isBusy(Jobs.Failure failure) {
        return failure.error() instanceof EngineException engine && engine.code() == ErrorCode.BUSY;
    }
}
