package qcowdesk.engine.contents.probe;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.Le;

/** NTFS: geometry and serial from the boot sector; the label is the $VOLUME_NAME attribute of MFT record 3. */
final class NtfsProber implements FilesystemProber {

    private static final int VOLUME_RECORD = 3;
    private static final long VOLUME_NAME = 0x60;
    private static final long END = 0xffffffffL;

    @Override
    public Optional<FsInfo> probe(ByteSource volume) throws IOException {
        if (!volume.contains(0, 512)) {
            return Optional.empty();
        }
        byte[] b = volume.bytes(0, 512);
        if (!Le.ascii(b, 3, "NTFS    ")) {
            return Optional.empty();
        }
        int sectorSize = Le.u16(b, 11);
        int sectorsPerCluster = Le.u8(b, 13);
        if (Integer.bitCount(sectorSize) != 1 || sectorSize < 256 || sectorSize > 4096
                || Integer.bitCount(sectorsPerCluster) != 1) {
            return Optional.empty();
        }
        long clusterSize = (long) sectorSize * sectorsPerCluster;
        int perRecord = b[0x40];
        long recordSize = perRecord > 0 ? perRecord * clusterSize : 1L << -perRecord;
        if (recordSize < 512 || recordSize > 65536) {
            return Optional.empty();
        }
        long mft = Le.u64(b, 0x30) * clusterSize;
        String uuid = String.format(Locale.ROOT, "%016X", Le.u64(b, 0x48));
        String label = volumeName(volume, mft + VOLUME_RECORD * recordSize, (int) recordSize, sectorSize);
        return Optional.of(new FsInfo("ntfs", label, uuid, "", Le.u64(b, 0x28) * sectorSize, -1,
                (int) clusterSize));
    }

    private static String volumeName(ByteSource volume, long at, int size, int sectorSize) throws IOException {
        if (!volume.contains(at, size)) {
            return "";
        }
        byte[] r = volume.bytes(at, size);
        if (!Le.ascii(r, 0, "FILE")) {
            return "";
        }
        int usaOffset = Le.u16(r, 4);
        int usaCount = Le.u16(r, 6);
        if (usaOffset + 2 * usaCount > size || (usaCount - 1) * sectorSize > size) {
            return "";
        }
        // the update sequence array: the last two bytes of each sector were moved there when the record was written
        for (int i = 1; i < usaCount; i++) {
            int end = i * sectorSize - 2;
            r[end] = r[usaOffset + 2 * i];
            r[end + 1] = r[usaOffset + 2 * i + 1];
        }
        int a = Le.u16(r, 0x14);
        while (a + 24 <= size) {
            long type = Le.u32(r, a);
            long length = Le.u32(r, a + 4);
            if (type == END || length < 24 || a + length > size) {
                break;
            }
            if (type == VOLUME_NAME && r[a + 8] == 0) {
                long valueLength = Le.u32(r, a + 0x10);
                int valueOffset = Le.u16(r, a + 0x14);
                if (valueOffset + valueLength <= length) {
                    return Le.utf16(r, a + valueOffset, (int) valueLength / 2);
                }
            }
            a += (int) length;
        }
        return "";
    }
}
