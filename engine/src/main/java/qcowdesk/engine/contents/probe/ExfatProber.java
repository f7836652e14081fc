package qcowdesk.engine.contents.probe;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.Le;

/** exFAT: the boot sector's geometry and serial; the label is an entry of the root directory. */
final class ExfatProber implements FilesystemProber {

    private static final int MAX_ROOT_CLUSTERS = 64;

    @Override
    public Optional<FsInfo> probe(ByteSource volume) throws IOException {
        if (!volume.contains(0, 512)) {
            return Optional.empty();
        }
        byte[] b = volume.bytes(0, 512);
        if (!Le.ascii(b, 3, "EXFAT   ")) {
            return Optional.empty();
        }
        int sectorShift = Le.u8(b, 108);
        int clusterShift = Le.u8(b, 109);
        if (sectorShift < 9 || sectorShift > 12 || clusterShift > 25 - sectorShift) {
            return Optional.empty();
        }
        long sectorSize = 1L << sectorShift;
        long clusterSize = sectorSize << clusterShift;
        long fatOffset = Le.u32(b, 80) * sectorSize;
        long heapOffset = Le.u32(b, 88) * sectorSize;
        long clusterCount = Le.u32(b, 92);
        long rootCluster = Le.u32(b, 96);
        String uuid = String.format(Locale.ROOT, "%02X%02X-%02X%02X", b[103], b[102], b[101], b[100]);
        String version = Le.u8(b, 105) + "." + Le.u8(b, 104);
        String label = "";
        long cluster = rootCluster;
        search:
        for (int n = 0; n < MAX_ROOT_CLUSTERS && cluster >= 2 && cluster < clusterCount + 2; n++) {
            long at = heapOffset + (cluster - 2) * clusterSize;
            if (!volume.contains(at, clusterSize) || clusterSize > ByteSource.MAX_READ) {
                break;
            }
            byte[] dir = volume.bytes(at, (int) clusterSize);
            for (int e = 0; e + 32 <= dir.length; e += 32) {
                int type = Le.u8(dir, e);
                if (type == 0) {
                    break search;
                }
                if (type == 0x83) {
                    label = Le.utf16(dir, e + 2, Math.min(11, Le.u8(dir, e + 1)));
                    break search;
                }
            }
            cluster = Le.u32(volume.bytes(fatOffset + cluster * 4, 4), 0);
        }
        return Optional.of(new FsInfo("exfat", label, uuid, version, Le.u64(b, 72) * sectorSize, -1,
                (int) clusterSize));
    }
}
