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
 */
public record DeviceInfo(String unit, String fileName, boolean readOnly, int sectorSize, long sizeBytes, int clients) {

    /** Number of sectors of the device. */
    public long sectors() {
        return sizeBytes / sectorSize;
    }
}
