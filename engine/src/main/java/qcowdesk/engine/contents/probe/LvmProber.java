package qcowdesk.engine.contents.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.Le;

/** An LVM2 physical volume: a "LABELONE" label in one of the first four sectors, then the PV header. */
final class LvmProber implements FilesystemProber {

    @Override
    public Optional<FsInfo> probe(ByteSource volume) throws IOException {
        if (!volume.contains(0, 2048)) {
            return Optional.empty();
        }
        byte[] b = volume.bytes(0, 2048);
        for (int sector = 0; sector < 4; sector++) {
            int label = sector * 512;
            if (!Le.ascii(b, label, "LABELONE") || !Le.ascii(b, label + 24, "LVM2 001")) {
                continue;
            }
            long pv = label + Le.u32(b, label + 20);
            if (pv + 40 > b.length) {
                return Optional.empty();
            }
            String id = new String(b, (int) pv, 32, StandardCharsets.US_ASCII);
            String uuid = id.substring(0, 6) + "-" + id.substring(6, 10) + "-" + id.substring(10, 14) + "-"
                    + id.substring(14, 18) + "-" + id.substring(18, 22) + "-" + id.substring(22, 26) + "-"
                    + id.substring(26, 32);
            return Optional.of(new FsInfo("LVM2_member", "", uuid, "LVM2 001", Le.u64(b, (int) pv + 32), -1, 0));
        }
        return Optional.empty();
    }
}
