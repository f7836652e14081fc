package qcowdesk.bridge.nbd;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.device.Device;

/** Opens a client's lease on a device at the moment the handshake commits to it. */
@FunctionalInterface
interface LeaseFactory {

    Device.ClientLease open(Device device) throws EngineException;
}
