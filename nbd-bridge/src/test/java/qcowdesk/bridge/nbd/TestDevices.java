package qcowdesk.bridge.nbd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.device.Device;
import qcowdesk.engine.device.DeviceDirectory;

/** A minimal device directory over given disks, counting leases, with forced disconnect. */
final class TestDevices implements DeviceDirectory {

    private final Map<String, TestDevice> devices = new TreeMap<>();

    TestDevice add(String unit, String fileName, VirtualDisk disk, boolean readOnly, int sectorSize) {
        TestDevice device = new TestDevice(unit, fileName, disk, readOnly, sectorSize);
        synchronized (devices) {
            devices.put(unit, device);
        }
        return device;
    }

    @Override
    public Optional<Device> find(String unit) {
        synchronized (devices) {
            return Optional.ofNullable(devices.get(unit));
        }
    }

    @Override
    public List<Device> devices() {
        synchronized (devices) {
            return new ArrayList<>(devices.values());
        }
    }

    static final class TestDevice implements Device {
        private final String unit;
        private final String fileName;
        private final VirtualDisk disk;
        private final boolean readOnly;
        private final int sectorSize;
        private final List<Runnable> forcedClosers = new CopyOnWriteArrayList<>();
        final AtomicInteger leases = new AtomicInteger();
        private volatile boolean detached;

        TestDevice(String unit, String fileName, VirtualDisk disk, boolean readOnly, int sectorSize) {
            this.unit = unit;
            this.fileName = fileName;
            this.disk = disk;
            this.readOnly = readOnly;
            this.sectorSize = sectorSize;
        }

        @Override
        public String unit() {
            return unit;
        }

        @Override
        public String fileName() {
            return fileName;
        }

        @Override
        public boolean readOnly() {
            return readOnly;
        }

        @Override
        public int sectorSize() {
            return sectorSize;
        }

        @Override
        public long sizeBytes() {
            return disk.size() / sectorSize * sectorSize;
        }

        @Override
        public VirtualDisk disk() {
            return disk;
        }

        @Override
        public ClientLease connect(Runnable forcedClose) throws EngineException {
            if (detached) {
                throw new EngineException(ErrorCode.NOT_ATTACHED, unit + " is not attached");
            }
            leases.incrementAndGet();
            forcedClosers.add(forcedClose);
            AtomicInteger once = new AtomicInteger();
            return () -> {
                if (once.getAndIncrement() == 0) {
                    forcedClosers.remove(forcedClose);
                    leases.decrementAndGet();
                }
            };
        }

        /** What a forced detach does to clients. */
        void forceDisconnect() {
            detached = true;
            forcedClosers.forEach(Runnable::run);
        }
    }
}
