package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import qcowdesk.bridge.nbd.wire.InfoType;
import qcowdesk.bridge.nbd.wire.OptionReplies;
import qcowdesk.bridge.nbd.wire.OptionReplyType;
import qcowdesk.bridge.nbd.wire.OptionRequest;
import qcowdesk.bridge.nbd.wire.OptionRequest.OptionSyntaxException;
import qcowdesk.bridge.nbd.wire.ProtocolException;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.device.Device;
import qcowdesk.engine.device.DeviceDirectory;

/** The options that list, describe and choose exports: NBD_OPT_LIST, NBD_OPT_INFO, NBD_OPT_GO, NBD_OPT_EXPORT_NAME. */
final class ExportOptions {

    private final DeviceDirectory devices;
    private final LeaseFactory leases;
    private final HandshakeState state;
    private final OptionReplySink sink;

    ExportOptions(DeviceDirectory devices, LeaseFactory leases, HandshakeState state, OptionReplySink sink) {
        this.devices = devices;
        this.leases = leases;
        this.state = state;
        this.sink = sink;
    }

    void list(OptionRequest option) throws IOException {
        if (option.hasRemaining()) {
            sink.add(OptionReplies.error(option.code(), OptionReplyType.ERR_INVALID, "NBD_OPT_LIST takes no data"));
        } else {
            for (Device device : devices.devices()) {
                sink.add(OptionReplies.server(option.code(), device.unit(), device.fileName()));
            }
            sink.add(OptionReplies.ack(option.code()));
        }
        sink.flush();
    }

    /**
     * Answers NBD_OPT_INFO, or NBD_OPT_GO when {@code go}: on a successful GO returns the negotiated session
     * (the lease is taken before the final ACK so that a device being detached can still be refused cleanly).
     */
    Optional<Negotiated> infoOrGo(OptionRequest option, boolean go) throws IOException {
        String name;
        Set<InfoType> requested = new HashSet<>();
        try {
            name = option.readString();
            int count = option.readUnsignedShort();
            for (int i = 0; i < count; i++) {
                InfoType type = InfoType.fromCode(option.readUnsignedShort());
                if (type != null) {
                    requested.add(type);
                }
            }
            if (option.hasRemaining()) {
                throw new OptionSyntaxException("trailing bytes after the information requests");
            }
        } catch (OptionSyntaxException e) {
            sink.add(OptionReplies.error(option.code(), OptionReplyType.ERR_INVALID, e.getMessage())).flush();
            return Optional.empty();
        }
        Optional<Device> found = ExportLookup.find(devices, name);
        if (found.isEmpty()) {
            sink.add(OptionReplies.error(option.code(), OptionReplyType.ERR_UNKNOWN, "no export named '" + name + "'"))
                    .flush();
            return Optional.empty();
        }
        Device device = found.get();
        Device.ClientLease lease = null;
        if (go) {
            try {
                lease = leases.open(device);
            } catch (EngineException e) {
                sink.add(OptionReplies.error(option.code(), OptionReplyType.ERR_UNKNOWN, e.getMessage())).flush();
                return Optional.empty();
            }
        }
        try {
            describe(option.code(), device, name, requested);
            sink.add(OptionReplies.ack(option.code())).flush();
        } catch (IOException e) {
            if (lease != null) {
                lease.close();
            }
            throw e;
        }
        return go ? Optional.of(new Negotiated(device, lease, state.structuredReplies(), state.contextsFor(name)))
                : Optional.empty();
    }

    /** NBD_OPT_EXPORT_NAME cannot be answered with an error: an unknown export ends the session. */
    Negotiated exportName(OptionRequest option, boolean noZeroes) throws IOException {
        String name;
        try {
            name = option.readString(option.data().remaining());
        } catch (OptionSyntaxException e) {
            throw new ProtocolException("NBD_OPT_EXPORT_NAME: " + e.getMessage());
        }
        Device device = ExportLookup.find(devices, name)
                .orElseThrow(() -> new ProtocolException("NBD_OPT_EXPORT_NAME: no export named '" + name + "'"));
        Device.ClientLease lease;
        try {
            lease = leases.open(device);
        } catch (EngineException e) {
            throw new ProtocolException("NBD_OPT_EXPORT_NAME: " + e.getMessage());
        }
        try {
            sink.add(OptionReplies.exportNameReply(device.sizeBytes(), ExportFlags.of(device, state.structuredReplies()),
                    noZeroes)).flush();
        } catch (IOException e) {
            lease.close();
            throw e;
        }
        return new Negotiated(device, lease, state.structuredReplies(), state.contextsFor(name));
    }

    private void describe(int code, Device device, String name, Set<InfoType> requested) {
        sink.add(OptionReplies.infoExport(code, device.sizeBytes(), ExportFlags.of(device, state.structuredReplies())));
        if (requested.contains(InfoType.NAME)) {
            sink.add(OptionReplies.infoString(code, InfoType.NAME, device.unit()));
        }
        // The description (the image file name) and the block sizes are sent even when not asked for, as the
        // protocol allows: a client that ignores the block sizes learns of them from EINVAL otherwise.
        sink.add(OptionReplies.infoString(code, InfoType.DESCRIPTION, device.fileName()));
        BlockSizes sizes = BlockSizes.of(device);
        sink.add(OptionReplies.infoBlockSize(code, sizes.minimum(), sizes.preferred(), sizes.maximum()));
    }
}
