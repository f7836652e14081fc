package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import qcowdesk.bridge.nbd.wire.NbdMagic;

/**
 * One connection of the load test: keeps {@code depth} requests in flight (reads, writes, some with FUA, write
 * zeroes, trims, flushes) on its own 4 KiB chunks of a device (every {@code stride}-th chunk, so connections
 * share clusters), checks every read against what its acknowledged writes left, and records the final content of
 * each chunk for the check of the image afterwards.
 */
final class LoadClient implements Runnable {

    static final int CHUNK = 4096;
    /** Expected content of a chunk: a write's id, or one of these. */
    static final long ZERO = 0;
    static final long UNKNOWN = -1;

    private final Path socket;
    private final String export;
    private final int index;
    private final int stride;
    private final int depth;
    private final long deadlineNanos;
    private final Random random;
    final long[] expected;
    private final Map<Long, Op> inFlight = new HashMap<>();
    private final Set<Integer> busy = new HashSet<>();
    private long nextHandle = 1;
    private long nextWriteId;
    private volatile Throwable failure;
    long requests;
    long readsVerified;

    private record Op(int type, int chunk, long writeId) {
    }

    LoadClient(Path socket, String export, long diskBytes, int index, int stride, int depth, long deadlineNanos,
               long seed) {
        this.socket = socket;
        this.export = export;
        this.index = index;
        this.stride = stride;
        this.depth = depth;
        this.deadlineNanos = deadlineNanos;
        this.random = new Random(seed);
        this.expected = new long[(int) (diskBytes / CHUNK)];
        this.nextWriteId = ((long) index + 1) << 40;
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        try (RawNbdClient client = RawNbdClient.openExport(socket, export, false)) {
            SocketChannel channel = client.channel();
            while (System.nanoTime() < deadlineNanos || !inFlight.isEmpty()) {
                while (System.nanoTime() < deadlineNanos && inFlight.size() < depth) {
                    send(channel);
                }
                if (!inFlight.isEmpty()) {
                    receive(channel);
                }
            }
            client.request(0, RawNbdClient.CMD_DISC, 0, 0, 0);
        } catch (Throwable t) {
            failure = t;
        }
    }

    private int freeChunk() {
        while (true) {
            int chunk = index + stride * random.nextInt(expected.length / stride);
            if (!busy.contains(chunk)) {
                return chunk;
            }
        }
    }

    private void send(SocketChannel channel) throws IOException {
        long handle = nextHandle++;
        int dice = random.nextInt(100);
        if (dice < 4) {
            inFlight.put(handle, new Op(RawNbdClient.CMD_FLUSH, -1, 0));
            write(channel, RawNbdClient.header(0, RawNbdClient.CMD_FLUSH, handle, 0, 0));
            return;
        }
        int chunk = freeChunk();
        busy.add(chunk);
        long offset = (long) chunk * CHUNK;
        if (dice < 35) {
            inFlight.put(handle, new Op(RawNbdClient.CMD_READ, chunk, 0));
            write(channel, RawNbdClient.header(0, RawNbdClient.CMD_READ, handle, offset, CHUNK));
        } else if (dice < 85) {
            long id = nextWriteId++;
            inFlight.put(handle, new Op(RawNbdClient.CMD_WRITE, chunk, id));
            write(channel, RawNbdClient.header(random.nextInt(10) == 0 ? 1 : 0, RawNbdClient.CMD_WRITE, handle, offset,
                    CHUNK), ByteBuffer.wrap(content(id, chunk)));
        } else if (dice < 95) {
            inFlight.put(handle, new Op(RawNbdClient.CMD_WRITE_ZEROES, chunk, 0));
            write(channel, RawNbdClient.header(random.nextInt(2) * 2, RawNbdClient.CMD_WRITE_ZEROES, handle, offset,
                    CHUNK));
        } else {
            inFlight.put(handle, new Op(RawNbdClient.CMD_TRIM, chunk, 0));
            write(channel, RawNbdClient.header(0, RawNbdClient.CMD_TRIM, handle, offset, CHUNK));
        }
        requests++;
    }

    private void receive(SocketChannel channel) throws IOException {
        ByteBuffer header = RawNbdClient.readExactly(channel, 16);
        if (header.getInt() != NbdMagic.SIMPLE_REPLY) {
            throw new AssertionError("bad reply magic");
        }
        int error = header.getInt();
        long handle = header.getLong();
        Op op = inFlight.remove(handle);
        if (op == null) {
            throw new AssertionError("reply for unknown handle " + handle);
        }
        if (error != 0) {
            throw new AssertionError("request type " + op.type() + " failed with error " + error);
        }
        switch (op.type()) {
            case RawNbdClient.CMD_READ -> {
                byte[] data = RawNbdClient.readExactly(channel, CHUNK).array();
                long want = expected[op.chunk()];
                if (want != UNKNOWN && !Arrays.equals(data, want == ZERO ? new byte[CHUNK] : content(want, op.chunk()))) {
                    throw new AssertionError(export + ": chunk " + op.chunk() + " does not read back what was written");
                }
                if (want != UNKNOWN) {
                    readsVerified++;
                }
            }
            case RawNbdClient.CMD_WRITE -> expected[op.chunk()] = op.writeId();
            case RawNbdClient.CMD_WRITE_ZEROES -> expected[op.chunk()] = ZERO;
            case RawNbdClient.CMD_TRIM -> expected[op.chunk()] = UNKNOWN; // reads after a trim are unspecified
            default -> {
            }
        }
        busy.remove(op.chunk());
    }

    static byte[] content(long id, int chunk) {
        ByteBuffer b = ByteBuffer.allocate(CHUNK);
        for (int s = 0; s < CHUNK / SectorHistory.SECTOR; s++) {
            b.put(SectorHistory.pattern(id, chunk * (CHUNK / SectorHistory.SECTOR) + s));
        }
        return b.array();
    }

    private static void write(SocketChannel channel, ByteBuffer... buffers) throws IOException {
        for (ByteBuffer b : buffers) {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }
    }
}
