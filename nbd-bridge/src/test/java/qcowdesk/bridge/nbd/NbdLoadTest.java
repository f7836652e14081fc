package qcowdesk.bridge.nbd;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Load: 16 connections with 32 requests in flight each, mixed (reads verified as they come back, writes, some
 * with FUA, write zeroes, trims, flushes), over two devices, for {@code qcowdesk.load.seconds} (CI: 8 s; the
 * long form, scripts/load.sh, 60 s). Then every chunk of both images reads back what the clients last wrote
 * (qemu-img convert of the detached files), qemu-img check finds nothing, and the server's heap and thread
 * count did not grow between the first quarter of the run and its end.
 */
class NbdLoadTest extends Qcow2ServerFixture {

    private static final long DISK = 64L << 20;
    private static final int CONNECTIONS = 16;
    private static final int DEPTH = 32;

    @Test
    void sixteenConnectionsWithThirtyTwoRequestsInFlightOverTwoDevices() throws Exception {
        int seconds = Integer.getInteger("qcowdesk.load.seconds", 8);
        long seed = Long.getLong("qcowdesk.load.seed", System.nanoTime());
        Random random = new Random(seed);
        Path[] images = {createImage("a.qcow2", Long.toString(DISK), "-o", "cluster_size=65536"),
                createImage("b.qcow2", Long.toString(DISK), "-o", "extended_l2=on,cluster_size=32768,compat=1.1")};
        String[] units = {attach(images[0], false, 9), attach(images[1], false, 9)};
        Path socket = server.unixSocket().orElseThrow();
        int perDevice = CONNECTIONS / units.length;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<LoadClient> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            LoadClient client = new LoadClient(socket, units[c % units.length], DISK, c / units.length, perDevice,
                    DEPTH, deadline, random.nextLong());
            clients.add(client);
            Thread t = new Thread(client, "load-" + c);
            threads.add(t);
            t.start();
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds) / 4);
        Footprint early = Footprint.now();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds) * 3 / 4 - 500);
        Footprint late = Footprint.now();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(!t.isAlive(), t.getName() + " did not finish");
        }
        long requests = 0;
        long verified = 0;
        for (LoadClient client : clients) {
            if (client.failure() != null) {
                throw new AssertionError("seed " + seed, client.failure());
            }
            requests += client.requests;
            verified += client.readsVerified;
        }
        for (String unit : units) {
            detachWhenIdle(unit);
        }
        long chunksChecked = 0;
        for (int d = 0; d < images.length; d++) {
            Peers.ok("qemu-img", "check", images[d].toString());
            Path raw = dir.resolve("d" + d + ".raw");
            Peers.ok("qemu-img", "convert", "-O", "raw", images[d].toString(), raw.toString());
            byte[] content = Files.readAllBytes(raw);
            for (int c = d; c < CONNECTIONS; c += units.length) {
                LoadClient client = clients.get(c);
                for (int chunk = 0; chunk < client.expected.length; chunk++) {
                    long want = client.expected[chunk];
                    boolean owned = chunk % perDevice == c / units.length;
                    if (!owned || want == LoadClient.UNKNOWN) {
                        continue;
                    }
                    byte[] found = Arrays.copyOfRange(content, chunk * LoadClient.CHUNK, (chunk + 1) * LoadClient.CHUNK);
                    byte[] expect = want == LoadClient.ZERO ? new byte[LoadClient.CHUNK] : LoadClient.content(want, chunk);
                    assertTrue(Arrays.equals(expect, found), "image " + d + " chunk " + chunk + " (seed " + seed + ")");
                    chunksChecked++;
                }
            }
            Files.delete(raw);
        }
        System.out.printf("load (seed %d): %d connections x %d in flight for %d s over 2 devices: %d requests "
                        + "(%d/s), %d reads verified in flight, %d chunks verified after; heap %d -> %d MiB, threads %d -> %d%n",
                seed, CONNECTIONS, DEPTH, seconds, requests, requests / seconds, verified, chunksChecked,
                early.heapMiB(), late.heapMiB(), early.threads(), late.threads());
        assertTrue(requests > 1000L * seconds, "only " + requests + " requests in " + seconds + " s");
        assertTrue(late.threads() <= early.threads() + 2, "threads grew: " + early.threads() + " -> " + late.threads());
        assertTrue(late.heapMiB() <= early.heapMiB() + 64, "heap grew: " + early.heapMiB() + " -> " + late.heapMiB()
                + " MiB");
        assertEquals(0, server.connectionCount(), "connections left behind");
    }

    /** Live heap (after a GC) and thread count of this JVM, which runs the server and the clients. */
    private record Footprint(long heapMiB, int threads) {
        static Footprint now() {
            System.gc();
            return new Footprint(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20,
                    ManagementFactory.getThreadMXBean().getThreadCount());
        }
    }
}
