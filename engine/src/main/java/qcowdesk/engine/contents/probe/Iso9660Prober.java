package qcowdesk.engine.contents.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.Le;

/**
 * ISO 9660: the primary volume descriptor at 32 KiB. As libblkid, the UUID is made of the modification (else
 * creation) date, and a Joliet supplementary descriptor's label is preferred since it keeps case.
 */
final class Iso9660Prober implements FilesystemProber {

    private static final int DESCRIPTORS = 32768;
    private static final int MAX_DESCRIPTORS = 16;

    @Override
    public Optional<FsInfo> probe(ByteSource volume) throws IOException {
        if (!volume.contains(DESCRIPTORS, 2048)) {
            return Optional.empty();
        }
        byte[] pvd = volume.bytes(DESCRIPTORS, 2048);
        if (Le.u8(pvd, 0) != 1 || !Le.ascii(pvd, 1, "CD001")) {
            return Optional.empty();
        }
        String label = new String(pvd, 40, 32, StandardCharsets.ISO_8859_1).stripTrailing();
        for (int i = 1; i < MAX_DESCRIPTORS; i++) {
            long at = DESCRIPTORS + 2048L * i;
            if (!volume.contains(at, 2048)) {
                break;
            }
            byte[] d = volume.bytes(at, 2048);
            if (!Le.ascii(d, 1, "CD001") || Le.u8(d, 0) == 255) {
                break;
            }
            boolean joliet = Le.u8(d, 0) == 2 && d[88] == '%' && d[89] == '/'
                    && (d[90] == '@' || d[90] == 'C' || d[90] == 'E');
            if (joliet) {
                label = new String(d, 40, 32, StandardCharsets.UTF_16BE).replace("\0", "").stripTrailing();
                break;
            }
        }
        String uuid = date(pvd, 830);
        if (uuid.isEmpty()) {
            uuid = date(pvd, 813);
        }
        int blockSize = Le.u16(pvd, 128);
        return Optional.of(new FsInfo("iso9660", label, uuid, "", Le.u32(pvd, 80) * blockSize, 0, blockSize));
    }

    /** "YYYY-MM-DD-HH-MM-SS-cc" from the 16 digits of a descriptor date, or "" when it is unset. */
    private static String date(byte[] b, int at) {
        String digits = new String(b, at, 16, StandardCharsets.US_ASCII);
        if (!digits.chars().allMatch(Character::isDigit) || digits.chars().allMatch(c -> c == '0')) {
            return "";
        }
        return digits.substring(0, 4) + "-" + digits.substring(4, 6) + "-" + digits.substring(6, 8) + "-"
                + digits.substring(8, 10) + "-" + digits.substring(10, 12) + "-" + digits.substring(12, 14) + "-"
                + digits.substring(14, 16);
    }
}
