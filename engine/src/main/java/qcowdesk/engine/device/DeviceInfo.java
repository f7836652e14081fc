package qcowdesk.engine.device;

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
 */
public record DeviceInfo(String unit, String fileName, boolean readOnly, int sectorSize, long sizeBytes, int clients,
                         boolean temporary, @JsonInclude(JsonInclude.Include.NON_NULL) String snapshot) {

    public DeviceInfo(String unit, String fileName, boolean readOnly, int sectorSize, long sizeBytes, int clients,
                      boolean temporary) {
        this(unit, fileName, readOnly, sectorSize, sizeBytes, clients, temporary, null);
    }

    public DeviceInfo(String unit, String fileName, boolean readOnly, int sectorSize, long sizeBytes, int clients) {
        this(unit, fileName, readOnly, sectorSize, sizeBytes, clients, false);
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
