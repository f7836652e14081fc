package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.InspectionChannel;
import qcowdesk.engine.qcow2.tools.CheckReport;
import qcowdesk.engine.qcow2.tools.ImageChecker;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.engine.qcow2.tools.RepairLock;
import qcowdesk.engine.qcow2.tools.RepairMode;
import qcowdesk.engine.qcow2.tools.RepairReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Repair without risking the only copy (the advice "never run qemu-img check -r on the original"): the image is
 * copied beside itself, the copy repaired and checked, and only a copy that checks clean is renamed over the
 * original (with its mode and owner). The original is locked against writers throughout; a failure or a crash
 * leaves it as it was.
 */
public final class RepairOnCopy {

    private RepairOnCopy() {
    }

    public static RepairReport run(Path image, RepairMode mode, ProgressListener progress) throws IOException {
        Path real = image.toRealPath();
        Path copy = TemporaryFiles.beside(real);
        try (InspectionChannel original = InspectionChannel.open(real, true);
             RepairLock ignored = RepairLock.exclusive(original.channel(), real)) {
            progress.onProgress("copying the image", 0, 1);
            Files.copy(real, copy, StandardCopyOption.COPY_ATTRIBUTES);
            RepairReport report = ImageChecker.repair(copy, mode, progress);
            CheckReport after = ImageChecker.check(copy, progress);
            if (!after.isClean()) {
                throw new EngineException(ErrorCode.INVALID_IMAGE, "the repaired copy still does not check clean "
                        + "(" + after.corruptions() + " corruptions, " + after.leaks() + " leaked clusters); "
                        + image + " was left as it was");
            }
            Compact.replace(real, copy);
            return report;
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
