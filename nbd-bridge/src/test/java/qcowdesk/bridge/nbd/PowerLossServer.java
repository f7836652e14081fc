package qcowdesk.bridge.nbd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceTable;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.WriteBackJournal;

/**
 * The NBD server in a process of its own over disks with a volatile write cache ({@link WriteBackJournal}), for
 * tests that kill it with SIGKILL. Args: Unix socket, then the images to attach read-write. Prints
 * "ready UNIT..." once serving, then serves until killed (or until stdin closes).
 */
public final class PowerLossServer {

    private PowerLossServer() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> images = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            images.add(Path.of(args[i]).toAbsolutePath());
        }
        WriteBackJournal.install(images);
        DeviceTable table = new DeviceTable((path, readOnly) -> Qcow2Image.open(path,
                readOnly ? OpenOptions.readOnly() : OpenOptions.readWrite()));
        StringBuilder ready = new StringBuilder("ready");
        for (Path image : images) {
            ready.append(' ').append(table.attach(new AttachRequest(image.toString(), false, 9, null)).unit());
        }
        try (NbdServer server = NbdServer.start(table, NbdServer.Config.defaults().withUnixSocket(Path.of(args[0])))) {
            System.out.println(ready);
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent kills us or closes our stdin
            }
        } finally {
            table.close();
        }
    }
}
