package qcowdesk.app.mount;

import java.nio.file.Path;

/**
 * What the user chose in the mount dialog.
 *
 * @param partition  a partition number, 0 for the whole disk, -1 for the only partition (or the whole disk)
 * @param mountPoint the folder to mount on; created when missing
 * @param readOnly   mount read-only
 */
public record MountChoice(int partition, Path mountPoint, boolean readOnly) {
}
