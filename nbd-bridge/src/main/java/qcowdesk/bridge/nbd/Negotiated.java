package qcowdesk.bridge.nbd;

import java.util.List;

import qcowdesk.engine.device.Device;

/**
 * What the handshake settled: the export, the client's lease on it and the reply style.
 *
 * @param device            the export
 * @param lease             keeps the device busy while the connection lives
 * @param structuredReplies whether NBD_OPT_STRUCTURED_REPLY was negotiated
 * @param contexts          metadata contexts selected for BLOCK_STATUS (empty: BLOCK_STATUS is refused)
 */
record Negotiated(Device device, Device.ClientLease lease, boolean structuredReplies, List<MetaContext> contexts) {
}
