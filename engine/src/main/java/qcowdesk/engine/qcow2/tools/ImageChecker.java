package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.qcow2.format.HeaderLayout;
import qcowdesk.engine.qcow2.HeaderFile;
import qcowdesk.engine.qcow2.format.Qcow2Header;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.InspectionChannel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Refcount verification and repair of a QCOW2 image, counting like {@code qemu-img check}: leaks (refcount above
 * the references), corruptions (refcount below them, malformed entries, wrong COPIED flags), the image's end
 * offset and the allocation statistics.
 */
public final class ImageChecker {

    private ImageChecker() {
    }

    /**
     * Checks the image, read-only. Refuses (IN_USE) while a writer has it open, as qemu-img check does, because
     * metadata that changes under the walk would show mismatches that are not there.
     */
    public static CheckReport check(Path image, ProgressListener progress) throws EngineException {
        try (InspectionChannel file = InspectionChannel.open(image, false)) {
            file.requireNoWriter(image);
            FileChannel channel = file.channel();
            Qcow2Header header = HeaderFile.read(channel);
            return new RefcountAudit(channel, header, image.toString(), progress).run(null, false).report();
        } catch (EngineException e) {
            throw e;
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot check " + image + ": " + e.getMessage(), e);
        }
    }

    /**
     * Repairs the image in place. Refuses (IN_USE) while QEMU or an attached device has the image open. Clears the
     * dirty bit once the refcounts are consistent, and with {@link RepairMode#ALL} the corrupt bit once no
     * corruption remains.
     */
    public static RepairReport repair(Path image, RepairMode mode, ProgressListener progress)
            throws EngineException {
        try (InspectionChannel file = InspectionChannel.open(image, true);
             RepairLock ignored = RepairLock.exclusive(file.channel(), image)) {
            FileChannel channel = file.channel();
            Qcow2Header header = HeaderFile.read(channel);
            String name = image.toString();
            CheckReport before = new RefcountAudit(channel, header, name, progress).run(null, false).report();
            boolean rebuilt = false;
            if (mode == RepairMode.ALL && before.rebuildNeeded()) {
                RefcountRebuilder.rebuild(channel, header, progress);
                header = HeaderFile.read(channel);
                rebuilt = true;
            }
            if (!before.isClean() || rebuilt) {
                new RefcountAudit(channel, header, name, progress).run(mode, false);
                if (mode == RepairMode.ALL) {
                    // COPIED flags are judged against the refcounts as they are now, after the fixes above.
                    new RefcountAudit(channel, header, name, progress).run(null, true);
                }
            }
            CheckReport after = new RefcountAudit(channel, header, name, progress).run(null, false).report();
            clearFlags(channel, header, after, mode);
            return new RepairReport(before, after, Math.max(0, before.leaks() - after.leaks()),
                    Math.max(0, before.corruptions() - after.corruptions()), rebuilt);
        } catch (EngineException e) {
            throw e;
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot repair " + image + ": " + e.getMessage(), e);
        }
    }

    private static void clearFlags(FileChannel channel, Qcow2Header header, CheckReport after, RepairMode mode)
            throws IOException {
        if (header.version() < 3 || after.corruptions() > 0 || after.checkErrors() > 0) {
            return;
        }
        long bits = header.incompatibleFeatures();
        long cleared = bits & ~Qcow2Header.INCOMPAT_DIRTY;
        if (mode == RepairMode.ALL) {
            cleared &= ~Qcow2Header.INCOMPAT_CORRUPT;
        }
        if (cleared != bits) {
            HeaderFile.patch(channel, HeaderLayout.incompatibleFeatures(cleared));
            channel.force(true);
        }
    }
}
