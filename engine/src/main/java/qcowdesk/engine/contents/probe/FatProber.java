package qcowdesk.engine.contents.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.fat.FatBootSector;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.io.Le;

/**
 * FAT12/16/32 ("vfat"). As libblkid, the label in the root directory's volume-label entry wins over the one in the
 * boot sector, and "NO NAME" is no label.
 */
final class FatProber implements FilesystemProber {

    private static final String NO_NAME = "NO NAME    ";

    @Override
    public Optional<FsInfo> probe(ByteSource volume) throws IOException {
        if (!volume.contains(0, 512)) {
            return Optional.empty();
        }
        FatBootSector boot;
        try {
            boot = FatBootSector.read(volume);
        } catch (ContentsException notFat) {
            return Optional.empty();
        }
        byte[] sector = volume.bytes(0, 512);
        int serialAt = boot.fat32() ? 0x43 : 0x27;
        int labelAt = boot.fat32() ? 0x47 : 0x2b;
        String uuid = String.format(Locale.ROOT, "%02X%02X-%02X%02X", sector[serialAt + 3], sector[serialAt + 2],
                sector[serialAt + 1], sector[serialAt]);
        String label = "";
        String dirLabel = boot.volumeLabelInRootDirectory(volume);
        String bootLabel = new String(sector, labelAt, 11, StandardCharsets.ISO_8859_1);
        if (dirLabel != null && !dirLabel.equals(NO_NAME)) {
            label = dirLabel;
        } else if (dirLabel == null && !bootLabel.equals(NO_NAME) && sector[labelAt] != 0) {
            label = bootLabel;
        }
        long free = boot.fat32() ? boot.fsInfoFreeClusters(volume) : -1;
        return Optional.of(new FsInfo("vfat", label.stripTrailing(), uuid, boot.kind(),
                boot.totalSectors() * boot.bytesPerSector(), free < 0 ? -1 : free * boot.clusterSize(),
                boot.clusterSize()));
    }
}
