package qcowdesk.bridge.nbd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.qcow2.JournalReplay;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Durability over NBD, proven by power cuts: the server runs in a process of its own over disks whose unsynced
 * writes a power cut loses ({@link qcowdesk.engine.qcow2.WriteBackJournal}); several connections per image write,
 * write zeroes, trim and flush until the server is killed with SIGKILL at a random instant. Then, for every
 * image, two crash states (every unsynced write lost; a random half of them kept) must pass {@code qemu-img
 * check} and hold every write acknowledged before an acknowledged FLUSH or with FUA ({@link SectorHistory}).
 *
 * <p>Each kill is one kill point per image. {@code -Dqcowdesk.powerloss.rounds=N} runs more kills (the long form,
 * scripts/durability.sh).
 */
class NbdPowerLossTest {

    private static final long DISK = 8L << 20;
    private static final int CONNECTIONS = 3;

    /** The image kinds each kill covers: cluster sizes 512 B to 2 MiB, both versions, extended L2, refcount widths,
     * backing files. */
    private record Kind(String name, String options, boolean backed) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("v3-512-refcount1", "cluster_size=512,refcount_bits=1", false),
            new Kind("v2-4k", "compat=0.10,cluster_size=4096", false),
            new Kind("v3-64k-extl2", "extended_l2=on,cluster_size=65536", false),
            new Kind("v3-2m-refcount64", "cluster_size=2097152,refcount_bits=64", false),
            new Kind("v3-64k-backed", "cluster_size=65536", true),
            new Kind("v2-1k-backed", "compat=0.10,cluster_size=1024", true),
            new Kind("v3-2m-extl2-backed", "extended_l2=on,cluster_size=2097152", true));

    @TempDir
    Path dir;

    @Test
    void everyFlushedWriteSurvivesAPowerCutAtARandomInstant() throws Exception {
        int rounds = Integer.getInteger("qcowdesk.powerloss.rounds", 8);
        long seed = Long.getLong("qcowdesk.powerloss.seed", System.nanoTime());
        Random random = new Random(seed);
        makeBacking();
        int killPoints = 0;
        long pinned = 0;
        long requests = 0;
        long flushes = 0;
        for (int round = 0; round < rounds; round++) {
            Round result = killRound(round, random);
            killPoints += KINDS.size();
            pinned += result.pinned();
            requests += result.requests();
            flushes += result.flushes();
        }
        System.out.printf("power loss over NBD (seed %d): %d kill points survived, %d requests, %d flushes, "
                + "%d sector checks pinned by FLUSH/FUA%n", seed, killPoints, requests, flushes, pinned);
        assertTrue(pinned > 0, "no crash state had a flushed write to check");
    }

    private record Round(long pinned, long requests, long flushes) {
    }

    private Round killRound(int round, Random random) throws Exception {
        Path roundDir = dir; // images stay beside the backing file, which they name relatively
        List<Path> images = new ArrayList<>();
        for (Kind kind : KINDS) {
            Path image = roundDir.resolve("r" + round + "-" + kind.name() + ".qcow2");
            List<String> create = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-o",
                    kind.options()));
            if (kind.backed()) {
                create.addAll(List.of("-b", "backing.qcow2", "-F", "qcow2"));
            }
            create.addAll(List.of(image.toString(), Long.toString(DISK)));
            Peers.ok(create.toArray(String[]::new));
            images.add(image);
        }
        Path socket = dir.resolve("r" + round + ".sock");
        Process server = startServer(socket, images);
        List<DurabilityClient> clients = new ArrayList<>();
        List<SectorHistory> histories = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            String[] units = readReady(server);
            for (int i = 0; i < KINDS.size(); i++) {
                SectorHistory history = new SectorHistory(DISK, KINDS.get(i).backed());
                histories.add(history);
                for (int c = 0; c < CONNECTIONS; c++) {
                    DurabilityClient client = new DurabilityClient(socket, units[i], history, DISK, c, CONNECTIONS,
                            random.nextLong());
                    clients.add(client);
                    Thread t = new Thread(client, "durability-" + units[i] + "-" + c);
                    threads.add(t);
                    t.start();
                }
            }
            Thread.sleep(300 + random.nextInt(1500));
        } finally {
            clients.forEach(DurabilityClient::serverKilled);
            server.destroyForcibly(); // SIGKILL
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the killed server did not exit");
        }
        long requests = 0;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(!t.isAlive(), t.getName() + " still runs after the server died");
        }
        for (DurabilityClient client : clients) {
            if (client.failure() != null) {
                throw new AssertionError("a request failed before the kill", client.failure());
            }
            requests += client.requests();
        }
        long pinned = 0;
        long flushes = 0;
        for (int i = 0; i < images.size(); i++) {
            flushes += histories.get(i).flushesAcked();
            for (double keep : new double[] {0.0, 0.5}) {
                pinned += checkCrashState(images.get(i), histories.get(i), random, keep, round);
            }
        }
        return new Round(pinned, requests, flushes);
    }

    private long checkCrashState(Path image, SectorHistory history, Random random, double keep, int round)
            throws IOException {
        String label = image.getFileName() + (keep == 0 ? " (all unsynced writes lost)" : " (some unsynced kept)");
        Path state = image.resolveSibling(image.getFileName() + ".state.qcow2");
        JournalReplay.crashState(image, state, random, keep);
        Peers.Result check = Peers.run("qemu-img", "check", "-f", "qcow2", state.toString());
        // 0: clean, 3: leaked clusters only (allowed after a crash); 2 is corruption.
        if (check.exitCode() != 0 && check.exitCode() != 3) {
            fail("kill round " + round + ", " + label + ": qemu-img check exit " + check.exitCode() + "\n"
                    + check.stdout() + check.stderr());
        }
        Path raw = image.resolveSibling(image.getFileName() + ".raw");
        Peers.ok("qemu-img", "convert", "-f", "qcow2", "-O", "raw", state.toString(), raw.toString());
        byte[] content = Files.readAllBytes(raw);
        assertEquals(DISK, content.length, label);
        long pinned = history.verify(content, "kill round " + round + ", " + label);
        Files.delete(raw);
        Files.delete(state);
        return pinned;
    }

    /** A qcow2 backing file whose every sector holds a known pattern. */
    private void makeBacking() throws IOException {
        Path raw = dir.resolve("backing.raw");
        byte[] content = new byte[(int) DISK];
        for (int s = 0; s < DISK / SectorHistory.SECTOR; s++) {
            System.arraycopy(SectorHistory.pattern(-1, s), 0, content, s * SectorHistory.SECTOR,
                    SectorHistory.SECTOR);
        }
        Files.write(raw, content);
        Peers.ok("qemu-img", "convert", "-f", "raw", "-O", "qcow2", "-o", "cluster_size=65536", raw.toString(),
                dir.resolve("backing.qcow2").toString());
        Files.delete(raw);
    }

    private static Process startServer(Path socket, List<Path> images) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), PowerLossServer.class.getName(), socket.toString()));
        images.forEach(i -> command.add(i.toString()));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String[] readReady(Process server) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("ready ")) {
            throw new AssertionError("the server process did not start: " + line);
        }
        return line.substring("ready ".length()).split(" ");
    }
}
