package qcowdesk.app.devices;

/**
 * One attached device as the devices table shows it.
 *
 * @param fileName exactly the file name given at attach
 * @param clients  NBD clients connected right now
 */
public record DeviceRow(String unit, String fileName, boolean readOnly, int sectorSize, long sizeBytes, int clients) {

    public long sectors() {
        return sizeBytes / sectorSize;
    }
}
