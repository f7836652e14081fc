package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.bridge.nbd.wire.ChannelIO;

/**
 * Collects the replies to one option and sends them in a single gathering write (an NBD_OPT_LIST with many
 * exports or an NBD_OPT_GO with several info items is one system call, not one per reply).
 */
final class OptionReplySink {

    private GatheringByteChannel channel;
    private final List<ByteBuffer> pending = new ArrayList<>();

    OptionReplySink(GatheringByteChannel channel) {
        this.channel = channel;
    }

    /** From now on replies go out on {@code secure} (after NBD_OPT_STARTTLS). */
    void switchTo(GatheringByteChannel secure) {
        channel = secure;
    }

    OptionReplySink add(ByteBuffer reply) {
        pending.add(reply);
        return this;
    }

    void flush() throws IOException {
        ByteBuffer[] buffers = pending.toArray(ByteBuffer[]::new);
        pending.clear();
        ChannelIO.writeFully(channel, buffers);
    }
}
