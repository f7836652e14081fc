package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;

/**
 * One well-behaved NBD connection that writes, writes zeroes, trims and flushes at random in its own share of a
 * disk (every {@code connections}-th 4 KiB chunk, so connections share clusters but never a sector), recording
 * each request and its reply in a {@link SectorHistory}. Runs until the server goes away.
 */
final class DurabilityClient implements Runnable {

    static final int CHUNK_SECTORS = 8;
    private static final int FUA = 1;
    private static final int NO_HOLE = 2;

    private final Path socket;
    private final String export;
    private final SectorHistory history;
    private final int index;
    private final int connections;
    private final int chunks;
    private final Random random;
    private volatile boolean serverKilled;
    private volatile Throwable failure;
    private long requests;

    DurabilityClient(Path socket, String export, SectorHistory history, long diskBytes, int index, int connections,
                     long seed) {
        this.socket = socket;
        this.export = export;
        this.history = history;
        this.index = index;
        this.connections = connections;
        this.chunks = (int) (diskBytes / SectorHistory.SECTOR / CHUNK_SECTORS);
        this.random = new Random(seed);
    }

    /** From now on a broken connection is what we expect, not a failure. */
    void serverKilled() {
        serverKilled = true;
    }

    /** What went wrong before the kill, if anything. */
    Throwable failure() {
        return failure;
    }

    long requests() {
        return requests;
    }

    @Override
    public void run() {
        try (RawNbdClient client = RawNbdClient.openExport(socket, export, false)) {
            long handle = 0;
            while (true) {
                step(client, ++handle);
                requests++;
            }
        } catch (IOException | RuntimeException | AssertionError e) {
            if (!serverKilled) {
                failure = e;
            }
        }
    }

    private void step(RawNbdClient client, long handle) throws IOException {
        int chunk = index + connections * random.nextInt(chunks / connections);
        int first = chunk * CHUNK_SECTORS + random.nextInt(CHUNK_SECTORS);
        int count = 1 + random.nextInt(chunk * CHUNK_SECTORS + CHUNK_SECTORS - first);
        int dice = random.nextInt(100);
        if (dice < 20) {
            long start = history.flushStarts();
            client.request(0, RawNbdClient.CMD_FLUSH, handle, 0, 0);
            expectSuccess(client, handle);
            history.flushAcked(start);
            return;
        }
        SectorHistory.Kind kind = dice < 70 ? SectorHistory.Kind.DATA
                : dice < 85 ? SectorHistory.Kind.ZERO : SectorHistory.Kind.TRIM;
        boolean fua = random.nextInt(6) == 0;
        int flags = fua ? FUA : 0;
        long offset = (long) first * SectorHistory.SECTOR;
        int length = count * SectorHistory.SECTOR;
        SectorHistory.Version v = history.issue(first, count, kind);
        switch (kind) {
            case DATA -> {
                ByteBuffer data = ByteBuffer.allocate(length);
                for (int s = first; s < first + count; s++) {
                    data.put(SectorHistory.pattern(v.id, s));
                }
                client.sendRaw(RawNbdClient.header(flags, RawNbdClient.CMD_WRITE, handle, offset, length));
                client.sendRaw(data.flip());
            }
            case ZERO -> client.request(flags | (random.nextBoolean() ? NO_HOLE : 0), RawNbdClient.CMD_WRITE_ZEROES,
                    handle, offset, length);
            default -> client.request(flags, RawNbdClient.CMD_TRIM, handle, offset, length);
        }
        expectSuccess(client, handle);
        history.acked(v, fua);
    }

    private static void expectSuccess(RawNbdClient client, long handle) throws IOException {
        RawNbdClient.Reply reply = client.readReply(0);
        if (reply.handle() != handle || reply.errorCode() != 0) {
            throw new AssertionError("request " + handle + " failed: error " + reply.errorCode()
                    + " (reply for handle " + reply.handle() + ")");
        }
    }
}
