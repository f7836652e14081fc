package qcowdesk.engine.contents.probe;

import java.io.IOException;
import java.util.Optional;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.Le;

/** A LUKS1 or LUKS2 header: an encrypted volume, not readable here; its UUID and (LUKS2) label are shown. */
final class LuksProber implements FilesystemProber {

    @Override
    public Optional<FsInfo> probe(ByteSource volume) throws IOException {
        if (!volume.contains(0, 512)) {
            return Optional.empty();
        }
        byte[] b = volume.bytes(0, 512);
        if (!Le.ascii(b, 0, "LUKS") || Le.u8(b, 4) != 0xba || Le.u8(b, 5) != 0xbe) {
            return Optional.empty();
        }
        int version = Le.be16(b, 6);
        String label = version == 2 ? Le.cString(b, 24, 48) : "";
        return Optional.of(new FsInfo("crypto_LUKS", label, Le.cString(b, 168, 40), Integer.toString(version),
                volume.size(), -1, 0));
    }
}
