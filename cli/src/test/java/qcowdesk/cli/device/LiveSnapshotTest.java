package qcowdesk.cli.device;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import qcowdesk.cli.QcowctlProcess;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code qcowctl snapshot -c} of an image a real {@code qcowctl daemon} has attached read-write goes through the
 * owner while one qemu-io stays connected over NBD: the snapshot holds the last write made before it, the
 * connection's writes during and after it succeed and land in the current state, and qemu-img finds the image clean.
 * Reverting or deleting a snapshot of the attached image is refused, saying why. A snapshot that fails leaves the device serving its image to the same connection.
 */
class LiveSnapshotTest extends OwnerDaemonTest {

    private static final int MIB = 1 << 20;

    @Test
    void aSnapshotOfALiveDeviceHoldsItsLastWriteAndItsClientCarriesOn() throws Exception {
        Path image = owner.image("live.qcow2", "8M");
        String[] attached = owner.ok("attach", image.toString()).trim().split(" ");
        String unit = attached[0];

        try (InteractiveQemuIo io = InteractiveQemuIo.connect(attached[1])) {
            assertTrue(io.run("write -P 0xaa 0 1M"), "pattern A was not written");

            // writes go on during the snapshot: they must wait for it, never fail (the device is quiesced, not shut)
            AtomicBoolean stop = new AtomicBoolean();
            List<String> failures = new ArrayList<>();
            int[] during = new int[1];
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        if (!io.run("write -P 0xcc 4M 64k")) {
                            failures.add(io.lastReply());
                        }
                        during[0]++;
                    } catch (IOException | RuntimeException e) {
                        failures.add(e.toString());
                        return;
                    }
                }
            });
            writer.start();
            QcowctlProcess.Result snapshot;
            try {
                snapshot = owner.run("snapshot", "-c", "s1", image.toString());
            } finally {
                stop.set(true);
                writer.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertEquals(ExitCodes.OK, snapshot.exitCode(), snapshot.stderr());
            assertEquals(List.of(), failures, "writes made during the snapshot failed");
            assertTrue(during[0] > 0, "no write ran during the snapshot");

            assertTrue(io.run("write -P 0xbb 0 1M"), "pattern B was not written after the snapshot: " + io.lastReply());
            assertTrue(io.run("read -P 0xbb 0 1M"), "the connection does not read back B: " + io.lastReply());
        }

        QcowctlProcess.Result apply = owner.run("snapshot", "-a", "s1", image.toString());
        assertEquals(ExitCodes.REFUSED, apply.exitCode(), apply.stderr());
        assertTrue(apply.stderr().contains("attached read-write as " + unit) && apply.stderr().contains("detach "
                + unit + " first"), apply.stderr());
        QcowctlProcess.Result delete = owner.run("snapshot", "-d", "s1", image.toString());
        assertEquals(ExitCodes.REFUSED, delete.exitCode(), delete.stderr());
        assertTrue(delete.stderr().contains("deleting a snapshot of an attached image is not done"), delete.stderr());

        owner.ok("detach", unit);

        String list = Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout();
        assertTrue(list.lines().anyMatch(l -> l.matches("1 +s1 .*")), list);
        Peers.ok("qemu-img", "check", image.toString());

        Path snap = dir.resolve("s1.raw");
        Peers.ok("qemu-img", "convert", "-O", "raw", "-l", "snapshot.name=s1", image.toString(), snap.toString());
        byte[] then = Files.readAllBytes(snap);
        assertFilled(then, 0, MIB, (byte) 0xaa, "the snapshot lacks pattern A, written before it");
        Path now = dir.resolve("now.raw");
        Peers.ok("qemu-img", "convert", "-O", "raw", image.toString(), now.toString());
        byte[] current = Files.readAllBytes(now);
        assertFilled(current, 0, MIB, (byte) 0xbb, "the current state lacks pattern B, written after the snapshot");
        assertFilled(current, 4 * MIB, 64 * 1024, (byte) 0xcc, "the writes made during the snapshot are lost");
    }

    @Test
    void aFailedSnapshotLeavesTheDeviceServingItsImage() throws Exception {
        // 1-bit refcounts cannot count a cluster shared with a snapshot: the snapshot itself is refused
        Path image = dir.resolve("narrow.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "refcount_bits=1", image.toString(), "4M");
        String[] attached = owner.ok("attach", image.toString()).trim().split(" ");
        try (InteractiveQemuIo io = InteractiveQemuIo.connect(attached[1])) {
            assertTrue(io.run("write -P 0x11 0 64k"), io.lastReply());
            QcowctlProcess.Result refused = owner.run("snapshot", "-c", "s1", image.toString());
            assertEquals(ExitCodes.REFUSED, refused.exitCode(), refused.stderr());
            assertTrue(refused.stderr().contains("no snapshot of " + attached[0]) && refused.stderr()
                    .contains("1-bit refcounts"), refused.stderr());
            // the reopened image serves the same connection: what it wrote, and new writes
            assertTrue(io.run("read -P 0x11 0 64k"), io.lastReply());
            assertTrue(io.run("write -P 0x22 64k 64k"), io.lastReply());
        }
        owner.ok("detach", attached[0]);
        Peers.ok("qemu-img", "check", image.toString());
        assertEquals("", Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout());
        Peers.ok("qemu-io", "-f", "qcow2", "-r", "-c", "read -P 0x11 0 64k", "-c", "read -P 0x22 64k 64k",
                image.toString());
    }

    private static void assertFilled(byte[] data, int offset, int length, byte value, String message) {
        byte[] expected = new byte[length];
        Arrays.fill(expected, value);
        byte[] actual = Arrays.copyOfRange(data, offset, offset + length);
        if (!Arrays.equals(expected, actual)) {
            int at = Arrays.mismatch(expected, actual);
            fail(message + ": byte " + (offset + at) + " is " + (actual[at] & 0xff));
        }
    }

    /** One qemu-io process connected to an NBD URI, taking commands on its standard input one at a time. */
    private static final class InteractiveQemuIo implements AutoCloseable {
        private final Process process;
        private final OutputStream in;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private volatile String lastReply = "";

        private InteractiveQemuIo(Process process) {
            this.process = process;
            this.in = process.getOutputStream();
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process is gone; run() times out
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        static InteractiveQemuIo connect(String uri) throws IOException {
            Peers.require("qemu-io");
            Peers.require("stdbuf");
            // line-buffered, so each reply arrives as it is printed
            return new InteractiveQemuIo(new ProcessBuilder("stdbuf", "-oL", "qemu-io", "-f", "raw", uri)
                    .redirectErrorStream(true).start());
        }

        /** Runs one read or write command; true when it succeeded (its statistics line came). */
        synchronized boolean run(String command) throws IOException {
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            StringBuilder reply = new StringBuilder();
            try {
                while (true) {
                    String line = lines.poll(60, TimeUnit.SECONDS);
                    if (line == null) {
                        throw new IOException("qemu-io did not answer '" + command + "' within 60 s: " + reply);
                    }
                    reply.append(line).append('\n');
                    if (line.contains("ops;")) {
                        lastReply = reply.toString();
                        return true;
                    }
                    if (line.contains("failed") || line.contains("Pattern verification")) {
                        lastReply = reply.toString();
                        return false;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        String lastReply() {
            return lastReply;
        }

        @Override
        public void close() throws IOException {
            try {
                in.write("quit\n".getBytes(StandardCharsets.UTF_8));
                in.close();
            } catch (IOException ignored) {
                // it is gone already
            }
            Peers.stop(process);
        }
    }

    @Test
    void anImageAttachedReadOnlyIsNotChangedUnderItsDevice() throws Exception {
        // a read-only device holds no write lock, so only the owner can tell that the file is in use
        Path image = owner.image("ro.qcow2", "8M");
        Peers.ok("qemu-io", "-c", "write -P 0x5a 0 1M", image.toString());
        String unit = owner.ok("attach", "-r", image.toString()).trim().split(" ")[0];
        byte[] before = java.nio.file.Files.readAllBytes(image);
        for (String[] change : new String[][] {{"-c", "s1"}, {"-a", "s1"}, {"-d", "s1"}}) {
            QcowctlProcess.Result refused = owner.run("snapshot", change[0], change[1], image.toString());
            assertEquals(ExitCodes.REFUSED, refused.exitCode(), refused.stderr());
            assertTrue(refused.stderr().contains("attached read-only as " + unit), refused.stderr());
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, java.nio.file.Files.readAllBytes(image),
                "the image is untouched");
        owner.ok("detach", unit);
        owner.ok("snapshot", "-c", "s1", image.toString());
    }
}
