package qcowdesk.app.detach;

import qcowdesk.app.background.Work;
import qcowdesk.app.devices.DeviceService;
import qcowdesk.app.devices.OpenFiles;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.FileStat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Copies a device's file whose name is lost (deleted, renamed over) through the descriptor its owner still holds
 * ({@code /proc/PID/fd/N}), so what clients wrote survives the detach. Refuses to overwrite a file.
 */
final class FileRescue {

    private static final int CHUNK = 1 << 20;

    private FileRescue() {
    }

    static Path copy(DeviceService service, DeviceInfo device, Path target, Work.Progress progress) throws IOException {
        FileStat stat = service.stat(device.unit());
        Path source = OpenFiles.descriptorOf(service.ownerPid(), stat).orElseThrow(() -> new EngineException(ErrorCode.IO,
                "The open file of " + device.unit() + " is not among the owner's descriptors (pid "
                        + service.ownerPid() + "): it cannot be copied from here"));
        long total = stat.size();
        try (InputStream in = Files.newInputStream(source);
             OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
            byte[] buffer = new byte[CHUNK];
            long done = 0;
            for (int read; (read = in.read(buffer)) > 0; ) {
                if (progress.isCancelled()) {
                    throw new EngineException(ErrorCode.IO, "Saving the copy was cancelled; " + target + " is incomplete");
                }
                out.write(buffer, 0, read);
                done += read;
                progress.update(done, total);
            }
        }
        return target;
    }
}
