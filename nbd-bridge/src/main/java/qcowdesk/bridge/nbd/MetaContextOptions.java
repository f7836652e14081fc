package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.bridge.nbd.wire.OptionReplies;
import qcowdesk.bridge.nbd.wire.OptionReplyType;
import qcowdesk.bridge.nbd.wire.OptionRequest;
import qcowdesk.bridge.nbd.wire.OptionRequest.OptionSyntaxException;
import qcowdesk.engine.device.DeviceDirectory;

/** NBD_OPT_LIST_META_CONTEXT and NBD_OPT_SET_META_CONTEXT. */
final class MetaContextOptions {

    private final DeviceDirectory devices;
    private final HandshakeState state;
    private final OptionReplySink sink;

    MetaContextOptions(DeviceDirectory devices, HandshakeState state, OptionReplySink sink) {
        this.devices = devices;
        this.state = state;
        this.sink = sink;
    }

    void handle(OptionRequest option, boolean set) throws IOException {
        int code = option.code();
        String exportName;
        List<String> queries = new ArrayList<>();
        try {
            exportName = option.readString();
            long count = option.readUnsignedInt();
            for (long i = 0; i < count; i++) {
                queries.add(option.readString());
            }
            if (option.hasRemaining()) {
                throw new OptionSyntaxException("trailing bytes after the queries");
            }
        } catch (OptionSyntaxException e) {
            sink.add(OptionReplies.error(code, OptionReplyType.ERR_INVALID, e.getMessage())).flush();
            return;
        }
        if (!state.structuredReplies()) {
            sink.add(OptionReplies.error(code, OptionReplyType.ERR_INVALID,
                    "metadata contexts need NBD_OPT_STRUCTURED_REPLY first")).flush();
            return;
        }
        if (ExportLookup.find(devices, exportName).isEmpty()) {
            sink.add(OptionReplies.error(code, OptionReplyType.ERR_UNKNOWN, "no export named '" + exportName + "'"))
                    .flush();
            return;
        }
        List<MetaContext> contexts = MetaContext.select(queries, !set);
        if (set) {
            state.select(new HandshakeState.ContextSelection(exportName, contexts));
        }
        for (MetaContext context : contexts) {
            // The protocol reserves id 0 in list replies; set replies carry the id BLOCK_STATUS chunks will use.
            sink.add(OptionReplies.metaContext(code, set ? context.id() : 0, context.contextName()));
        }
        sink.add(OptionReplies.ack(code)).flush();
    }
}
