package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

import qcowdesk.bridge.nbd.wire.ChannelIO;
import qcowdesk.bridge.nbd.wire.TransmissionReplies;

/**
 * The success replies of the writes that a connection's reading thread carried out itself, held so that the
 * replies to a pipelined run of writes go out in one system call, written by the reading thread before it next
 * waits on the socket. They live in one small direct buffer: no allocation per reply, and no hidden copy when
 * written.
 *
 * <p>Only the reading thread uses this, and only while none of the connection's requests is with a worker or
 * the {@link ReplyWriter}: then nothing else writes to the socket, and the replies need no lock.
 */
final class HeldReplies {

    /** Replies held at most before they are written anyway. */
    static final int CAPACITY = 32;

    private final GatheringByteChannel channel;
    private final ByteBuffer replies = ByteBuffer.allocateDirect(CAPACITY * TransmissionReplies.SIMPLE_HEADER_SIZE);

    HeldReplies(GatheringByteChannel channel) {
        this.channel = channel;
    }

    /** Holds the success reply to {@code handle}, writing the held ones first when the buffer is full. */
    void add(long handle) throws IOException {
        if (!replies.hasRemaining()) {
            writeHeld();
        }
        TransmissionReplies.putSimple(replies, handle, null);
    }

    boolean isEmpty() {
        return replies.position() == 0;
    }

    /** Writes the held replies and then {@code reply} (a write's error reply, which does not fit the buffer). */
    void writeWithHeld(ByteBuffer[] reply) throws IOException {
        writeHeld();
        ChannelIO.writeFully(channel, reply);
    }

    /** Writes every held reply, in the order they were added. */
    void writeHeld() throws IOException {
        if (!isEmpty()) {
            writeOut();
        }
    }

    /**
     * The write itself, a method of its own so that the reading loop, which asks for it before every request it
     * hands over, inlines only the test above and not the socket's write path (the server compiles this apart).
     */
    private void writeOut() throws IOException {
        replies.flip();
        try {
            ChannelIO.writeFully(channel, replies);
        } finally {
            replies.clear();
        }
    }
}
