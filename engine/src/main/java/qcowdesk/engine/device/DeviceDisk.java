package qcowdesk.engine.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.ZeroRun;

/**
 * The image as the device presents it: only whole sectors ({@code virtual_size >> secBits} of them), and no
 * writes at all on a read-only device, whatever the image underneath would allow. Clients see this view.
 * Every public entry point checks its range against the device once; the unchecked reads trust their caller's
 * check (the NBD request validator's), as {@link VirtualDisk#readUnchecked} states.
 */
final class DeviceDisk implements VirtualDisk {

    private final VirtualDisk image;
    private final String unit;
    private final boolean readOnly;
    private final long size;

    DeviceDisk(VirtualDisk image, String unit, boolean readOnly, int secBits) {
        this.image = image;
        this.unit = unit;
        this.readOnly = readOnly;
        this.size = (image.size() >> secBits) << secBits;
    }

    VirtualDisk image() {
        return image;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public int clusterSize() {
        return image.clusterSize();
    }

    // Reads: the device is smaller than or as large as its image (whole sectors), so a range inside the device is
    // inside the image, and the image is asked not to check it again. The checked entry points serve the callers
    // that are not the NBD server (the app's hex view, the contents readers, tests).

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        image.readUnchecked(offset, dst);
    }

    @Override
    public List<ZeroRun> readReportingZeros(long offset, ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        return image.readReportingZerosUnchecked(offset, dst);
    }

    @Override
    public void readUnchecked(long offset, ByteBuffer dst) throws IOException {
        image.readUnchecked(offset, dst);
    }

    @Override
    public List<ZeroRun> readReportingZerosUnchecked(long offset, ByteBuffer dst) throws IOException {
        return image.readReportingZerosUnchecked(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        checkWritable(offset, src.remaining());
        image.write(offset, src);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayDeallocate) throws IOException {
        checkWritable(offset, length);
        image.writeZeroes(offset, length, mayDeallocate);
    }

    @Override
    public boolean zeroesFast(long offset, long length, boolean mayDeallocate) {
        return image.zeroesFast(offset, length, mayDeallocate);
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        checkWritable(offset, length);
        image.discard(offset, length);
    }

    @Override
    public void flush() throws IOException {
        if (!readOnly) {
            image.flush();
        }
    }

    @Override
    public List<MapEntry> map(long offset, long length) throws IOException {
        checkRange(offset, length);
        return image.map(offset, length);
    }

    @Override
    public List<MapEntry> mapUnchecked(long offset, long length) throws IOException {
        return image.mapUnchecked(offset, length);
    }

    @Override
    public Subscription onAllocation(Consumer<AllocationEvent> listener) {
        return image.onAllocation(listener);
    }

    /** The device table closes the image, not a client. */
    @Override
    public void close() {
    }

    private void checkWritable(long offset, long length) throws EngineException {
        if (readOnly) {
            throw new EngineException(ErrorCode.READ_ONLY_FILE, unit + " is attached read-only");
        }
        checkRange(offset, length);
    }

    private void checkRange(long offset, long length) throws EngineException {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "range " + offset + "+" + length
                    + " is outside " + unit + " (" + size + " bytes)");
        }
    }
}
