package qcowdesk.app.library;

import java.util.Set;

/**
 * The user's consent to open the files an image names outside what the external files policy allows: for that
 * image file and exactly those files, each by device and inode, so that a file swapped for another (a new inode)
 * asks again.
 */
public record ExternalFileConsent(FileId image, Set<FileId> files) {

    public ExternalFileConsent {
        files = Set.copyOf(files);
    }

    /** True when this consent covers every one of {@code wanted} for {@code image}. */
    public boolean covers(FileId image, Set<FileId> wanted) {
        return this.image.equals(image) && files.containsAll(wanted);
    }
}
