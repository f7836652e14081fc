package qcowdesk.engine.qcow2;

import qcowdesk.engine.MapEntry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** A raw file used as a backing file: guest offset equals file offset. */
final class RawLayer implements GuestLayer {

    private final ImageFile file;
    private final long size;

    RawLayer(ImageFile file) throws IOException {
        this.file = file;
        this.size = file.size();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void readLayer(long offset, ByteBuffer dst, ZeroRuns zeros) throws IOException {
        long past = Math.max(offset, size);
        long end = offset + dst.remaining();
        file.read(offset, dst);
        if (zeros != null && end > past) {
            zeros.add(past, end - past);
        }
    }

    @Override
    public void mapLayer(long offset, long length, int depth, MapBuilder out) {
        long inside = Math.max(0, Math.min(length, size - offset));
        if (inside > 0) {
            out.add(new MapEntry(offset, inside, depth, true, false, true, false, offset));
        }
        if (inside < length) {
            out.add(new MapEntry(offset + inside, length - inside, depth, false, true, false, false,
                    MapEntry.NO_OFFSET));
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
