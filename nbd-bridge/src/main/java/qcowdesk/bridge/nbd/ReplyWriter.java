package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import qcowdesk.bridge.nbd.wire.ChannelIO;

/**
 * The one thread that writes a connection's replies. Workers hand over finished replies and go on to other
 * work, so a client that stops reading blocks only its own connection, never the shared worker pool. Each
 * reply goes out whole; replies that queue up while a write is in progress go out together in the next
 * gathering write. The queue holds at most the connection's requests in flight.
 */
final class ReplyWriter implements Runnable {

    /** Replies gathered into one write at most (a few buffers each, well under the system's iovec limit). */
    private static final int MAX_BATCH = 64;

    private record Pending(ByteBuffer[] parts, Runnable whenSent) {
    }

    private static final Pending END = new Pending(new ByteBuffer[0], () -> { });

    private final GatheringByteChannel channel;
    private final Runnable onFailure;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile boolean failed;

    /** {@code onFailure} runs once if the socket cannot be written (the client is gone). */
    ReplyWriter(GatheringByteChannel channel, Runnable onFailure) {
        this.channel = channel;
        this.onFailure = onFailure;
    }

    /** Queues a reply; {@code whenSent} runs once it is written (or dropped because the client is gone). */
    void send(ByteBuffer[] parts, Runnable whenSent) {
        queue.add(new Pending(parts, whenSent));
    }

    /** Ends the writer after the replies queued so far. */
    void finish() {
        queue.add(END);
    }

    @Override
    public void run() {
        List<Pending> batch = new ArrayList<>();
        boolean end = false;
        while (!end) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            end = removeEnd(batch);
            write(batch);
            batch.forEach(pending -> pending.whenSent().run());
        }
    }

    /**
     * Takes the end marker out of the batch, found by identity: a record's equals would compare each reply's
     * fields, and its first call links the record's generated methods (some 15 method-handle classes spun at run
     * time, on the first client's disconnect).
     */
    private static boolean removeEnd(List<Pending> batch) {
        for (int i = batch.size() - 1; i >= 0; i--) {
            if (batch.get(i) == END) {
                batch.remove(i);
                return true;
            }
        }
        return false;
    }

    private void write(List<Pending> batch) {
        if (failed || batch.isEmpty()) {
            return;
        }
        ByteBuffer[] parts = batch.size() == 1 ? batch.get(0).parts() : concat(batch);
        try {
            ChannelIO.writeFully(channel, parts);
        } catch (IOException e) {
            failed = true;
            onFailure.run();
        }
    }

    /** The parts of every reply of the batch, in order, as one array for one gathering write. */
    private static ByteBuffer[] concat(List<Pending> batch) {
        int count = 0;
        for (Pending pending : batch) {
            count += pending.parts().length;
        }
        ByteBuffer[] parts = new ByteBuffer[count];
        int at = 0;
        for (Pending pending : batch) {
            System.arraycopy(pending.parts(), 0, parts, at, pending.parts().length);
            at += pending.parts().length;
        }
        return parts;
    }
}
