package qcowdesk.engine.device;

import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A snapshot of one attached device, as {@code list} reports it.
 *
 * @param unit       unit name, also the NBD export name
 * @param fileName   the file name exactly as given at attach
 * @param readOnly   whether the device refuses writes
 * @param sectorSize bytes per sector ({@code 1 << secBits})
 * @param sizeBytes  bytes presented to clients: a whole number of sectors
 * @param clients    clients connected right now
 * @param temporary  writes go to a temporary overlay; the file is only read
 * @param snapshot   the internal snapshot the device presents (read-only), or null for the image's current state
 * @param resolvedPath the absolute path a relative {@code fileName} named when it was attached (resolved against
 *                   the attacher's working directory), so that another process can find the file; null when the
 *                   name as given is absolute
 */
public record DeviceInfo(String unit, String fileName, boolean readOnly, int sectorSize, long sizeBytes, int clients,
                         boolean temporary, @JsonInclude(JsonInclude.Include.NON_NULL) String snapshot,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String resolvedPath) {

    public DeviceInfo(String unit, String fileName, boolean readOnly, int sectorSize, long sizeBytes, int clients,
                      boolean temporary, String snapshot) {
        this(unit, fileName, readOnly, sectorSize, sizeBytes, clients, temporary, snapshot, null);
    }

    public DeviceInfo(String unit, String fileName, boolean readOnly, int sectorSize, long sizeBytes, int clients,
                      boolean temporary) {
        this(unit, fileName, readOnly, sectorSize, sizeBytes, clients, temporary, null);
    }

    public DeviceInfo(String unit, String fileName, boolean readOnly, int sectorSize, long sizeBytes, int clients) {
        this(unit, fileName, readOnly, sectorSize, sizeBytes, clients, false);
    }

    /** Where the attached file is, for any process: the name as given when absolute, else the path it resolved to. */
    public Path location() {
        return Path.of(resolvedPath != null ? resolvedPath : fileName);
    }

    /** How the device is attached, in one word: {@code ro}, {@code rw} or {@code temp}. */
    public String mode() {
        return readOnly ? "ro" : temporary ? "temp" : "rw";
    }

    /** The mode with the snapshot presented, if any: {@code ro, snapshot s1}. */
    public String modeDescription() {
        return snapshot == null ? mode() : mode() + ", snapshot " + snapshot;
    }

    /** Number of sectors of the device. */
    public long sectors() {
        return sizeBytes / sectorSize;
    }
}
