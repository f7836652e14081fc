package qcowdesk.bridge.nbd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import qcowdesk.bridge.nbd.wire.NbdMagic;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NBD fuzzing: many connections send mutated versions of a valid session (greeting answer, options, requests with
 * payloads) to one device while well-behaved clients keep 8 requests in flight on another and check every read.
 * The server must keep serving the good clients correctly, release every fuzzing connection, and leave both
 * images clean for qemu-img check. {@code qcowdesk.nbdfuzz.seconds} (CI: 8) runs longer.
 */
class NbdFuzzTest extends Qcow2ServerFixture {

    private static final long DISK = 16L << 20;
    private static final int ATTACKERS = 6;

    @Test
    void mutatedSessionsNeverDisturbAWellBehavedClient() throws Exception {
        int seconds = Integer.getInteger("qcowdesk.nbdfuzz.seconds", 8);
        long seed = Long.getLong("qcowdesk.nbdfuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        Path good = createImage("good.qcow2", Long.toString(DISK), "-o", "cluster_size=4096");
        Path target = createImage("target.qcow2", Long.toString(DISK), "-o", "cluster_size=65536");
        table.attach(new AttachRequest(good.toString(), false, 9, "good"));
        table.attach(new AttachRequest(target.toString(), false, 9, "fuzzed"));
        Path socket = server.unixSocket().orElseThrow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);

        List<LoadClient> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            LoadClient client = new LoadClient(socket, "good", DISK, c, 2, 8, deadline, random.nextLong());
            clients.add(client);
            threads.add(new Thread(client, "good-" + c));
        }
        AtomicLong sessions = new AtomicLong();
        List<Throwable> attackerFailures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int a = 0; a < ATTACKERS; a++) {
            long attackerSeed = random.nextLong();
            threads.add(new Thread(() -> {
                Random r = new Random(attackerSeed);
                try {
                    while (System.nanoTime() < deadline) {
                        attack(socket, mutate(validSession(r), r), r);
                        sessions.incrementAndGet();
                    }
                } catch (Throwable t) {
                    attackerFailures.add(t);
                }
            }, "fuzz-" + a));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(seconds + 60));
            assertTrue(!t.isAlive(), t.getName() + " did not finish");
        }
        if (!attackerFailures.isEmpty()) {
            throw new AssertionError("a fuzzing connection could not even connect (seed " + seed + ")",
                    attackerFailures.get(0));
        }
        for (LoadClient client : clients) {
            if (client.failure() != null) {
                throw new AssertionError("the well-behaved client was disturbed (seed " + seed + ")", client.failure());
            }
        }
        // Every fuzzing connection is released: the devices detach without force.
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (server.connectionCount() > 0 && System.nanoTime() < waitUntil) {
            Thread.sleep(50);
        }
        assertEquals(0, server.connectionCount(), "fuzzing connections left open");
        Peers.ok("nbdinfo", "--size", uri("good"));
        detachWhenIdle("good");
        detachWhenIdle("fuzzed");
        Peers.ok("qemu-img", "check", good.toString());
        Peers.ok("qemu-img", "check", target.toString());

        Path raw = dir.resolve("good.raw");
        Peers.ok("qemu-img", "convert", "-O", "raw", good.toString(), raw.toString());
        byte[] content = Files.readAllBytes(raw);
        long checked = 0;
        for (int c = 0; c < clients.size(); c++) {
            long[] expected = clients.get(c).expected;
            for (int chunk = c; chunk < expected.length; chunk += 2) {
                if (expected[chunk] == LoadClient.UNKNOWN) {
                    continue;
                }
                byte[] want = expected[chunk] == LoadClient.ZERO ? new byte[LoadClient.CHUNK]
                        : LoadClient.content(expected[chunk], chunk);
                assertTrue(Arrays.equals(want, Arrays.copyOfRange(content, chunk * LoadClient.CHUNK,
                        (chunk + 1) * LoadClient.CHUNK)), "chunk " + chunk + " (seed " + seed + ")");
                checked++;
            }
        }
        long goodRequests = clients.stream().mapToLong(c -> c.requests).sum();
        System.out.printf("NBD fuzzing (seed %d): %d mutated sessions from %d connections in %d s; the good "
                + "clients made %d requests, %d chunks verified%n", seed, sessions.get(), ATTACKERS, seconds,
                goodRequests, checked);
        assertTrue(sessions.get() > 100, "only " + sessions.get() + " fuzzing sessions");
    }

    /** A valid session on "fuzzed": flags, options, GO, then requests of every kind and a disconnect. */
    private static byte[] validSession(Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(4).putInt(3).array());
        if (r.nextBoolean()) {
            option(out, RawNbdClient.OPT_STRUCTURED_REPLY, new byte[0]);
            option(out, RawNbdClient.OPT_SET_META_CONTEXT, RawNbdClient.metaContextData("fuzzed", "base:allocation"));
        }
        if (r.nextInt(4) == 0) {
            option(out, RawNbdClient.OPT_LIST, new byte[0]);
            option(out, RawNbdClient.OPT_INFO, RawNbdClient.infoData("fuzzed", 0, 1, 2, 3));
        }
        option(out, RawNbdClient.OPT_GO, RawNbdClient.infoData("fuzzed", 3));
        int requests = 1 + r.nextInt(8);
        for (int i = 0; i < requests; i++) {
            int type = new int[] {RawNbdClient.CMD_READ, RawNbdClient.CMD_WRITE, RawNbdClient.CMD_TRIM,
                    RawNbdClient.CMD_WRITE_ZEROES, RawNbdClient.CMD_FLUSH, RawNbdClient.CMD_BLOCK_STATUS,
                    RawNbdClient.CMD_CACHE}[r.nextInt(7)];
            int length = 512 * (1 + r.nextInt(16));
            long offset = 512L * r.nextInt((int) (DISK / 512) - 16);
            out.writeBytes(RawNbdClient.header(0, type, i, offset, length).array());
            if (type == RawNbdClient.CMD_WRITE) {
                byte[] data = new byte[length];
                r.nextBytes(data);
                out.writeBytes(data);
            }
        }
        out.writeBytes(RawNbdClient.header(0, RawNbdClient.CMD_DISC, 99, 0, 0).array());
        return out.toByteArray();
    }

    private static void option(ByteArrayOutputStream out, int code, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(16).putLong(NbdMagic.IHAVEOPT).putInt(code).putInt(data.length).array());
        out.writeBytes(data);
    }

    /** 1 to 4 of: a byte changed, a 32-bit field set to an edge value, bytes inserted, a cut, a part repeated. */
    private static byte[] mutate(byte[] session, Random r) {
        byte[] s = session;
        int count = 1 + r.nextInt(4);
        for (int i = 0; i < count && s.length > 8; i++) {
            int at = r.nextInt(s.length - 4);
            switch (r.nextInt(5)) {
                case 0 -> s[at] = (byte) r.nextInt(256);
                case 1 -> ByteBuffer.wrap(s).putInt(at, new int[] {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE,
                        0x10000, 65537, 33554433, r.nextInt()}[r.nextInt(8)]);
                case 2 -> {
                    byte[] junk = new byte[1 + r.nextInt(64)];
                    r.nextBytes(junk);
                    s = splice(s, at, junk, 0);
                }
                case 3 -> s = Arrays.copyOf(s, at + 1);
                default -> s = splice(s, at, Arrays.copyOfRange(s, at, Math.min(s.length, at + 1 + r.nextInt(200))), 0);
            }
        }
        return s;
    }

    private static byte[] splice(byte[] s, int at, byte[] insert, int drop) {
        byte[] out = new byte[s.length + insert.length - drop];
        System.arraycopy(s, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(s, at + drop, out, at + insert.length, s.length - at - drop);
        return out;
    }

    /**
     * Sends {@code bytes} after the greeting, reading whatever comes back, for at most 2 s; then closes (half the
     * time abruptly mid-stream, as a crashing client would).
     */
    private static void attack(Path socket, byte[] bytes, Random r) throws IOException, InterruptedException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.configureBlocking(false);
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            ByteBuffer out = ByteBuffer.wrap(bytes);
            int stopAt = r.nextBoolean() ? bytes.length : r.nextInt(bytes.length + 1);
            out.limit(stopAt);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < until) {
                int read = channel.read(in.clear());
                if (read < 0) {
                    return; // the server closed the connection: a fine answer to garbage
                }
                int written = out.hasRemaining() ? channel.write(out) : 0;
                if (!out.hasRemaining() && read == 0) {
                    Thread.sleep(5);
                    if (r.nextInt(10) == 0) {
                        return; // leave without waiting for the rest
                    }
                } else if (read == 0 && written == 0) {
                    Thread.sleep(1);
                }
            }
        } catch (IOException reset) {
            // the server dropped us mid-write
        }
    }
}
