package qcowdesk.engine.qcow2;

import java.nio.file.Path;
import java.util.List;

/**
 * One file an image opens: the image itself, its external data file, or a backing file.
 *
 * @param role     what the file is to the image that names it
 * @param name     the name as the naming image stores it (for the top image: the path as given)
 * @param path     where it is, symbolic links resolved when the file exists
 * @param format   {@code qcow2} or {@code raw}; for a backing file without a recorded format, what probing finds
 * @param exists   false when nothing is at {@code path}
 * @param concerns why the file is opened only with the user's consent ({@link ExternalFilePolicy}); empty when
 *                 it may be opened freely
 */
public record ChainFile(Role role, String name, Path path, String format, boolean exists, List<String> concerns) {

    public enum Role {
        IMAGE("image"), DATA_FILE("data file"), BACKING("backing file");

        private final String label;

        Role(String label) {
            this.label = label;
        }

        /** How the role reads in a sentence. */
        public String label() {
            return label;
        }
    }

    public ChainFile {
        concerns = List.copyOf(concerns);
    }

    /** True when opening this file needs the user's consent. */
    public boolean needsConsent() {
        return !concerns.isEmpty();
    }
}
