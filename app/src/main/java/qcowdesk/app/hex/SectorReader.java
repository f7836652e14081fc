package qcowdesk.app.hex;

import java.io.IOException;
import java.nio.ByteBuffer;

import qcowdesk.app.inspect.ExtentWalk;
import qcowdesk.engine.VirtualDisk;

/** Reads one sector and its mapping; runs off the FX thread. */
public final class SectorReader {

    private SectorReader() {
    }

    public static SectorView read(VirtualDisk disk, long lba, int sectorSize) throws IOException {
        long offset = lba * sectorSize;
        int length = (int) Math.min(sectorSize, disk.size() - offset);
        ByteBuffer buffer = ByteBuffer.allocate(length);
        disk.read(offset, buffer);
        return new SectorView(lba, offset, buffer.array(), ExtentWalk.list(disk, offset, offset + length));
    }
}
