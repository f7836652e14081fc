package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.qcow2.format.HeaderLayout;
import qcowdesk.engine.qcow2.HeaderFile;
import qcowdesk.engine.qcow2.format.Qcow2Header;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.support.Log;
import qcowdesk.engine.qcow2.InspectionChannel;

import java.io.IOException;
import java.util.Optional;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Refcount verification and repair of a QCOW2 image, counting like {@code qemu-img check}: leaks (refcount above
 * the references), corruptions (refcount below them, malformed entries, wrong COPIED flags), the image's end
 * offset and the allocation statistics.
 */
public final class ImageChecker {

    private static final Log LOG = Log.of(ImageChecker.class);

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

    /**
     * QEMU's answer to an image left dirty by a writer that crashed with lazy refcounts: rebuild the refcounts
     * before a writable open (the refcounts on disk lag behind the L2 tables, so allocating from them could hand
     * out clusters in use). Returns what was done, for the user; empty when the image was not dirty. Refuses an
     * image that is also marked corrupt (that needs the user's repair) and an image another writer has open.
     */
    public static Optional<String> repairIfDirty(Path image) throws EngineException {
        Qcow2Header header;
        try (InspectionChannel file = InspectionChannel.open(image, false)) {
            header = HeaderFile.read(file.channel());
        } catch (EngineException e) {
            throw e;
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot read " + image + ": " + e.getMessage(), e);
        }
        if (!header.isDirty() || header.isCorrupt()) {
            return Optional.empty();
        }
        RepairReport report = repair(image, RepairMode.ALL, ProgressListener.NONE);
        if (report.after().corruptions() > 0 || report.after().checkErrors() > 0) {
            throw new EngineException(ErrorCode.INVALID_IMAGE, image + " was not closed cleanly (dirty bit) and "
                    + "its refcounts could not be repaired: " + report.after().corruptions() + " corruptions remain");
        }
        String message = image + " was not closed cleanly (dirty bit: a writer with lazy refcounts stopped without "
                + "writing them back); refcounts rebuilt before opening it (" + report.corruptionsFixed()
                + " refcount errors and " + report.leaksFixed() + " leaked clusters fixed)";
        LOG.warn(message);
        return Optional.of(message);
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
