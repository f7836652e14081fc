package qcowdesk.engine.device;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.VirtualDisk;

/**
 * An attached image as a block device: what a client (the NBD bridge) sees of one unit of the device table.
 */
public interface Device {

    /** Unit name, e.g. {@code qcow0}; also the NBD export name. */
    String unit();

    /** Exactly the file name string given at attach (not canonicalised). */
    String fileName();

    boolean readOnly();

    /** Sector size in bytes: {@code 1 << secBits}. */
    int sectorSize();

    /** Size in bytes presented to clients: {@code (virtual_size >> secBits) << secBits}. */
    long sizeBytes();

    /** The disk behind the device. Clients must hold a lease while using it. */
    VirtualDisk disk();

    /**
     * Registers a client. While any lease is open the device is busy and {@code detach(unit, false)} fails.
     *
     * @param forcedClose called (once, from another thread) when the device is detached with force: the client
     *                    must stop taking new requests, let in-flight ones finish or fail, then close its lease
     * @throws EngineException NOT_ATTACHED when the device is being or has been detached
     */
    ClientLease connect(Runnable forcedClose) throws EngineException;

    /** A client's registration on a device; closing it releases the device. Idempotent. */
    interface ClientLease extends AutoCloseable {
        @Override
        void close();
    }
}
