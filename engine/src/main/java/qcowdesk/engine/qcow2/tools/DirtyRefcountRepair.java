package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.qcow2.DirtyImageRepair;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** The checker's repair as the rebuild a writable open runs on a dirty image (registered as a service). */
public final class DirtyRefcountRepair implements DirtyImageRepair {

    @Override
    public Optional<String> repairIfDirty(Path image) throws IOException {
        return ImageChecker.repairIfDirty(image);
    }
}
