package qcowdesk.engine.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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
 *
 * <p>Every request holds the read side of a gate while it runs, so that {@link #exchangeQuiesced} can take the
 * image away from under connected clients (to snapshot it and reopen it): it waits for the requests in flight,
 * holds new ones back, and the clients' next requests see whatever image it leaves in place.
 */
final class DeviceDisk implements VirtualDisk {

    /** Replaces the image while no request runs; returns the image the device uses from then on. */
    @FunctionalInterface
    interface Exchange {
        VirtualDisk exchange(VirtualDisk current) throws IOException;
    }

    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final List<Consumer<AllocationEvent>> allocationListeners = new CopyOnWriteArrayList<>();
    private volatile VirtualDisk image;
    /** This view's one subscription to its image, passing events to {@link #allocationListeners}. */
    private Subscription forwarding;
    private final String unit;
    private final boolean readOnly;
    private final long size;

    DeviceDisk(VirtualDisk image, String unit, boolean readOnly, int secBits) {
        this.image = image;
        this.unit = unit;
        this.readOnly = readOnly;
        this.size = (image.size() >> secBits) << secBits;
        this.forwarding = forward(image);
    }

    /**
     * Runs {@code exchange} with no request in flight and none starting (new ones wait), and makes the image it
     * returns the device's. If it throws, the device keeps the image it had.
     */
    void exchangeQuiesced(Exchange exchange) throws IOException {
        gate.writeLock().lock();
        try {
            VirtualDisk next = exchange.exchange(image);
            if (next != image) {
                forwarding.close();
                image = next;
                forwarding = forward(next);
            }
        } finally {
            gate.writeLock().unlock();
        }
    }

    /** Listeners subscribe to this view, not to the image, so they keep hearing after an exchange. */
    private Subscription forward(VirtualDisk target) {
        return target.onAllocation(event -> allocationListeners.forEach(listener -> listener.accept(event)));
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
        readUnchecked(offset, dst);
    }

    @Override
    public List<ZeroRun> readReportingZeros(long offset, ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        return readReportingZerosUnchecked(offset, dst);
    }

    @Override
    public void readUnchecked(long offset, ByteBuffer dst) throws IOException {
        gate.readLock().lock();
        try {
            image.readUnchecked(offset, dst);
        } finally {
            gate.readLock().unlock();
        }
    }

    @Override
    public List<ZeroRun> readReportingZerosUnchecked(long offset, ByteBuffer dst) throws IOException {
        gate.readLock().lock();
        try {
            return image.readReportingZerosUnchecked(offset, dst);
        } finally {
            gate.readLock().unlock();
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        checkWritable(offset, src.remaining());
        gate.readLock().lock();
        try {
            image.write(offset, src);
        } finally {
            gate.readLock().unlock();
        }
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayDeallocate) throws IOException {
        checkWritable(offset, length);
        gate.readLock().lock();
        try {
            image.writeZeroes(offset, length, mayDeallocate);
        } finally {
            gate.readLock().unlock();
        }
    }

    @Override
    public boolean zeroesFast(long offset, long length, boolean mayDeallocate) {
        gate.readLock().lock();
        try {
            return image.zeroesFast(offset, length, mayDeallocate);
        } finally {
            gate.readLock().unlock();
        }
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        checkWritable(offset, length);
        gate.readLock().lock();
        try {
            image.discard(offset, length);
        } finally {
            gate.readLock().unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        if (!readOnly) {
            gate.readLock().lock();
            try {
                image.flush();
            } finally {
                gate.readLock().unlock();
            }
        }
    }

    @Override
    public List<MapEntry> map(long offset, long length) throws IOException {
        checkRange(offset, length);
        return mapUnchecked(offset, length);
    }

    @Override
    public List<MapEntry> mapUnchecked(long offset, long length) throws IOException {
        gate.readLock().lock();
        try {
            return image.mapUnchecked(offset, length);
        } finally {
            gate.readLock().unlock();
        }
    }

    @Override
    public Subscription onAllocation(Consumer<AllocationEvent> listener) {
        allocationListeners.add(listener);
        return () -> allocationListeners.remove(listener);
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
