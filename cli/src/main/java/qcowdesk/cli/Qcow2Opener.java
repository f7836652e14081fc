package qcowdesk.cli;

import java.io.IOException;
import java.nio.file.Path;

import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.device.DiskOpener;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;

/** Devices of qcowctl are QCOW2 images opened by the engine. */
public final class Qcow2Opener implements DiskOpener {

    public static final Qcow2Opener INSTANCE = new Qcow2Opener();

    private Qcow2Opener() {
    }

    @Override
    public VirtualDisk open(Path path, boolean readOnly) throws IOException {
        return Qcow2Image.open(path, readOnly ? OpenOptions.readOnly() : OpenOptions.readWrite());
    }
}
