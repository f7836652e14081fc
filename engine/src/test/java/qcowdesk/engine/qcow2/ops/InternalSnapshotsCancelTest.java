package qcowdesk.engine.qcow2.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.testkit.Peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cancel at each point where a snapshot operation looks: the header never switched, the file has its old length
 * (what was appended is cut off again), it checks clean and the guest sees the same disk and snapshots (copies
 * written into free clusters stay there, referenced by nothing). Images the operations refuse stay untouched.
 */
class InternalSnapshotsCancelTest {

    @TempDir
    Path dir;

    @Test
    void cancelAtEveryCheckLeavesTheFileAsItWas() throws Exception {
        Path image = dir.resolve("cancel.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "cluster_size=4k", image.toString(), "64M");
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 1 0 40M", image.toString());
        Peers.ok("qemu-img", "snapshot", "-c", "s", image.toString());
        byte[] before = Files.readAllBytes(image);
        Path copy = Files.copy(image, dir.resolve("before.qcow2"));
        int checks = countChecks(image);
        assertTrue(checks >= 3, checks + " cancellation checks");
        for (int at = 1; at <= checks; at++) {
            int cancelAt = at;
            AtomicInteger calls = new AtomicInteger();
            for (String op : new String[] {"create", "apply", "delete"}) {
                calls.set(0);
                assertThrows(CancellationException.class, () -> run(op, image,
                        () -> calls.incrementAndGet() >= cancelAt));
                byte[] after = Files.readAllBytes(image);
                assertEquals(before.length, after.length, op + " cancelled at check " + cancelAt);
                assertArrayEquals(Arrays.copyOf(before, 4096), Arrays.copyOf(after, 4096), "the header changed");
                Peers.ok("qemu-img", "check", image.toString());
                Peers.ok("qemu-img", "compare", "-q", copy.toString(), image.toString());
                assertEquals(Peers.ok("qemu-img", "snapshot", "-l", copy.toString()).stdout(),
                        Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout());
            }
        }
        Peers.ok("qemu-img", "check", image.toString());
    }

    @Test
    void refusesRefcountsTooNarrowForASnapshotUntouched() throws Exception {
        Path image = dir.resolve("narrow.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "refcount_bits=1", image.toString(), "8M");
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 1 0 1M", image.toString());
        byte[] before = Files.readAllBytes(image);
        EngineException e = assertThrows(EngineException.class,
                () -> InternalSnapshots.create(image, "s", ProgressListener.NONE, () -> false));
        assertTrue(e.getMessage().contains("1-bit refcounts, which cannot count a cluster shared"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(image));
    }

    /** How often a create asks whether it is cancelled (on a copy, left alone). */
    private int countChecks(Path image) throws Exception {
        Path copy = Files.copy(image, dir.resolve("count.qcow2"));
        AtomicInteger calls = new AtomicInteger();
        run("create", copy, () -> {
            calls.incrementAndGet();
            return false;
        });
        return calls.get();
    }

    private static void run(String op, Path image, java.util.function.BooleanSupplier cancelled) throws Exception {
        switch (op) {
            case "create" -> InternalSnapshots.create(image, "new", ProgressListener.NONE, cancelled);
            case "apply" -> InternalSnapshots.apply(image, "s", ProgressListener.NONE, cancelled);
            default -> InternalSnapshots.delete(image, "s", ProgressListener.NONE, cancelled);
        }
    }
}
