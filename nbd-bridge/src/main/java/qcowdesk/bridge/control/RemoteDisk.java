package qcowdesk.bridge.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.device.DeviceEvent;
import qcowdesk.engine.device.DeviceInfo;

/**
 * A device of an owner in another process (a {@code qcowctl daemon}), seen from a front end: its map and bytes
 * asked of the owner, which has them current (a read-only open of the file would miss what it has not flushed),
 * and its allocation events from the owner's event stream, so that views follow clients' writes as they do for
 * the owner's own devices. For looking only: writes are refused; {@link #isReadOnly()} says how the device is
 * attached. Calls are serialised over one control connection; events come on a watch connection opened when
 * the first listener subscribes.
 */
public final class RemoteDisk implements VirtualDisk {

    private final Path controlSocket;
    private final ControlClient client;
    private final String unit;
    private final long size;
    private final int clusterSize;
    private final boolean readOnly;
    private final List<Consumer<AllocationEvent>> listeners = new CopyOnWriteArrayList<>();
    private DeviceWatch watch;
    private boolean closed;

    private RemoteDisk(Path controlSocket, ControlClient client, String unit, long size, int clusterSize,
                       boolean readOnly) {
        this.controlSocket = controlSocket;
        this.client = client;
        this.unit = unit;
        this.size = size;
        this.clusterSize = clusterSize;
        this.readOnly = readOnly;
    }

    /** Opens {@code unit} of the owner listening on {@code controlSocket}; fails NOT_ATTACHED when it has none. */
    public static RemoteDisk open(Path controlSocket, String unit) throws IOException {
        ControlClient client = ControlClient.connect(controlSocket);
        try {
            DeviceInfo device = client.list().stream().filter(d -> d.unit().equals(unit)).findFirst()
                    .orElseThrow(() -> new EngineException(ErrorCode.NOT_ATTACHED, unit + " is not attached"));
            ControlClient.DiskMap geometry = client.map(unit, 0, 0);
            return new RemoteDisk(controlSocket, client, unit, geometry.size(), geometry.clusterSize(),
                    device.readOnly());
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    @Override
    public long size() {
        return size;
    }

    /** How the device is attached (clients may write to it when false); this view itself never writes. */
    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public int clusterSize() {
        return clusterSize;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        client.read(unit, offset, dst);
    }

    @Override
    public List<MapEntry> map(long offset, long length) throws IOException {
        List<MapEntry> extents = client.map(unit, offset, length).extents();
        if (extents.isEmpty() && length > 0) {
            throw new EngineException(ErrorCode.IO, "the owner mapped nothing of " + unit + " at " + offset);
        }
        return extents;
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        throw notHere();
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayDeallocate) throws IOException {
        throw notHere();
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        throw notHere();
    }

    /** Nothing is written through this view; clients flush through their own connections. */
    @Override
    public void flush() {
    }

    private EngineException notHere() {
        return new EngineException(ErrorCode.READ_ONLY_FILE, unit + " is written by NBD clients of its owner, not"
                + " through this view");
    }

    /**
     * Subscribes to the unit's allocation events. The first subscription opens the watch; when it cannot, the
     * listener simply hears nothing (the views then show what they read, without live updates).
     */
    @Override
    public synchronized Subscription onAllocation(Consumer<AllocationEvent> listener) {
        listeners.add(listener);
        if (watch == null && !closed) {
            try {
                watch = DeviceWatch.start(controlSocket, new WatchListener() {
                    @Override
                    public void event(DeviceEvent event) {
                        if (event instanceof DeviceEvent.ClustersAllocated allocated && allocated.unit().equals(unit)) {
                            listeners.forEach(l -> l.accept(allocated.allocation()));
                        }
                    }
                });
            } catch (IOException e) {
                // no events: the views still read the device, and their periodic rescans correct the totals
            }
        }
        return () -> listeners.remove(listener);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (watch != null) {
            watch.close();
            watch = null;
        }
        client.close();
    }
}
