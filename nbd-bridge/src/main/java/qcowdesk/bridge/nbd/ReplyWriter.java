package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.concurrent.locks.ReentrantLock;

import qcowdesk.bridge.nbd.wire.ChannelIO;

/**
 * Serialises replies onto the socket: each reply (header, chunk headers and payload slices) goes out whole in
 * one gathering write while other workers wait, so replies never interleave mid-message.
 */
final class ReplyWriter {

    private final GatheringByteChannel channel;
    private final ReentrantLock lock = new ReentrantLock();

    ReplyWriter(GatheringByteChannel channel) {
        this.channel = channel;
    }

    void send(ByteBuffer... parts) throws IOException {
        lock.lock();
        try {
            ChannelIO.writeFully(channel, parts);
        } finally {
            lock.unlock();
        }
    }
}
