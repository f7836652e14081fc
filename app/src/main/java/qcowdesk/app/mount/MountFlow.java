package qcowdesk.app.mount;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import qcowdesk.app.background.Jobs;
import qcowdesk.app.devices.DevicesModel;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.bridge.mount.MountedFs;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.DeviceInfo;

/**
 * Mount, unmount and open the folder of a device: the user is asked on the FX thread, the work (the route's
 * programs, the file manager) runs as jobs, and the devices table shows the mount point once the owner has it.
 */
public final class MountFlow {

    private final DevicesModel devices;
    private final Jobs jobs;
    private final Path mountRoot;

    /** @param mountRoot where suggested mount points go ({@code ~/QcowDesk/qcow0}) */
    public MountFlow(DevicesModel devices, Jobs jobs, Path mountRoot) {
        this.devices = devices;
        this.jobs = jobs;
        this.mountRoot = mountRoot;
    }

    /** Reads what the disk holds (a job), asks the user (FX thread), then mounts (a job). */
    public void mount(DeviceInfo device, MountQuestions questions) {
        jobs.submit("Reading the partitions of " + device.unit(),
                progress -> MountTargets.of(devices.service().liveDisk(device.unit()), device.sectorSize()),
                targets -> ask(device, targets, questions));
    }

    private void ask(DeviceInfo device, List<MountTarget> targets, MountQuestions questions) {
        Optional<MountChoice> answer = questions.ask(device, targets, mountRoot.resolve(device.unit()));
        if (answer.isEmpty()) {
            return;
        }
        MountChoice choice = answer.get();
        jobs.submit("Mounting " + device.unit(), progress -> {
            Files.createDirectories(choice.mountPoint());
            return devices.service().mount(new ControlClient.Mount(device.unit(), choice.partition(),
                    choice.mountPoint().toAbsolutePath().toString(), choice.readOnly(), null, null, false));
        }, mounted -> devices.refreshNow(), failure -> {
            jobs.report(failure.title(), failure.error());
            devices.refreshNow();
        });
    }

    /** Unmounts every filesystem of {@code device}. */
    public void unmount(DeviceInfo device) {
        jobs.submit("Unmounting " + device.unit(), progress -> devices.service().unmount(device.unit()),
                done -> devices.refreshNow(), failure -> {
                    jobs.report(failure.title(), failure.error());
                    devices.refreshNow();
                });
    }

    /** Opens the device's (first) mount point in the desktop's file manager. */
    public void openFolder(DeviceInfo device) {
        List<MountedFs> mounts = devices.mountsOf(device.unit());
        if (mounts.isEmpty()) {
            return;
        }
        Path folder = mounts.get(0).mountPoint();
        jobs.submit("Opening " + folder, progress -> {
            open(folder);
            return folder;
        }, opened -> { });
    }

    /** {@code xdg-open FOLDER}, left running: the file manager is the desktop's, not ours to wait for. */
    static void open(Path folder) throws EngineException {
        try {
            new ProcessBuilder("xdg-open", folder.toString()).redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "cannot open " + folder + ": xdg-open is not available ("
                    + e.getMessage() + "); the files are in " + folder, e);
        }
    }
}
