package qcowdesk.engine.device;

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
 */
public record DeviceInfo(String unit, String fileName, boolean readOnly, int sectorSize, long sizeBytes, int clients,
                         boolean temporary) {

    public DeviceInfo(String unit, String fileName, boolean readOnly, int sectorSize, long sizeBytes, int clients) {
        this(unit, fileName, readOnly, sectorSize, sizeBytes, clients, false);
    }

    /** How the device is attached, in one word: {@code ro}, {@code rw} or {@code temp}. */
    public String mode() {
        return readOnly ? "ro" : temporary ? "temp" : "rw";
    }

    /** Number of sectors of the device. */
    public long sectors() {
        return sizeBytes / sectorSize;
    }
}
