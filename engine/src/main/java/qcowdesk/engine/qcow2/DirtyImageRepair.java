package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.Qcow2Header;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * QEMU's answer to an image left dirty by a writer that crashed with lazy refcounts: its refcounts lag behind its
 * L2 tables, so before a writable open they are rebuilt, and the open goes on. Every writable
 * {@link Qcow2Image#open} does this, so the device table, the CLI and any other caller behave alike.
 *
 * <p>The rebuild is the checker's repair (in {@code qcow2.tools}, which builds on this package); it is found with
 * {@link ServiceLoader} so that the image does not depend on its own tools. Without an implementation a dirty image
 * is refused for writing, as the header check says.
 */
public interface DirtyImageRepair {

    /**
     * Rebuilds the refcounts of {@code image} if it is dirty (and not also marked corrupt, which needs the user's
     * repair); returns what was done, for the user, or empty when nothing was.
     */
    Optional<String> repairIfDirty(Path image) throws IOException;

    /**
     * Before a writable open of {@code image}: when it is dirty, first opens it read-only with the same
     * {@code options} (file types, external files, backing chain, header), so that an image that would be refused
     * anyway is left untouched, then repairs it. Returns what was done, or null.
     */
    static String beforeWritableOpen(Path image, OpenOptions options) throws IOException {
        Qcow2Header header;
        try (InspectionChannel file = InspectionChannel.open(image, false)) {
            header = HeaderFile.read(file.channel());
        }
        if (!header.isDirty() || header.isCorrupt()) {
            return null;
        }
        Optional<DirtyImageRepair> repair = ServiceLoader.load(DirtyImageRepair.class).findFirst();
        if (repair.isEmpty()) {
            return null;
        }
        Qcow2Image.open(image, new OpenOptions(true, options.l2CacheBytes(), options.allowExternalFiles())).close();
        return repair.get().repairIfDirty(image).orElse(null);
    }
}
