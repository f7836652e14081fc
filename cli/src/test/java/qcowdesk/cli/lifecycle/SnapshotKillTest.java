package qcowdesk.cli.lifecycle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.cli.lifecycle.LifecycleImages.checkClean;
import static qcowdesk.cli.lifecycle.LifecycleImages.create;
import static qcowdesk.cli.lifecycle.LifecycleImages.io;

/**
 * Crash safety of {@code snapshot -c/-a/-d}: each runs as a real qcowctl process SIGKILLed at a random instant
 * {@value KillTimer#KILLS} times. Afterwards {@code qemu-img check} must find the image clean (not merely free of
 * corruption: the old generation stays exact until the switch, the new one is exact from it) and the guest must
 * see the old state or the new one, never a mix; a snapshot that is listed must restore what it was taken of.
 *
 * <p>The image has 512-byte clusters, so the operation writes about a thousand L2 tables and a few hundred refcount
 * blocks. Every other kill falls uniformly over the whole run (JVM start and the reading phase included); the others
 * fall within the writing phase, timed from the first write to the file, where the new generation is written and
 * switched to: that is where a wrong order would show.
 */
class SnapshotKillTest {

    @TempDir
    Path dir;

    private KillTimer timer;
    private Path stateA;
    private Path stateB;
    private Path reference;
    private Path image;

    @BeforeEach
    void images() throws Exception {
        timer = new KillTimer(dir);
        Path a = create(dir, "a.qcow2", "32M", "-o", "cluster_size=512");
        io(a, "write -P 1 0 12M", "write -c -P 2 13M 64k", "write -z 14M 1M", "write -P 3 16M 15M");
        stateA = Files.copy(a, dir.resolve("state-a.qcow2"));
        Peers.ok("qemu-img", "snapshot", "-c", "s", a.toString());
        io(a, "write -P 7 1M 4M", "write -P 8 13M 1M");
        stateB = Files.copy(a, dir.resolve("state-b.qcow2"));
        reference = a; // state B with snapshot "s" holding state A
        image = dir.resolve("image.qcow2");
    }

    @Test
    void createKilledLeavesNoSnapshotOrAWholeOne() throws Exception {
        int created = run(new String[] {"snapshot", "-c", "new", null}, () -> {
            identical(stateB, image);
            List<String> names = names();
            assertTrue(names.equals(List.of("s")) || names.equals(List.of("s", "new")), names.toString());
            restores("s", stateA);
            if (names.size() == 2) {
                restores("new", stateB);
                return true;
            }
            return false;
        });
        System.out.println("snapshot -c: killed " + KillTimer.kills() + " times, " + created + " finished first");
    }

    @Test
    void applyKilledLeavesTheOldOrTheSnapshotsState() throws Exception {
        int applied = run(new String[] {"snapshot", "-a", "s", null}, () -> {
            boolean reverted = Peers.run("qemu-img", "compare", "-q", stateA.toString(), image.toString())
                    .exitCode() == 0;
            if (!reverted) {
                identical(stateB, image);
            }
            assertEquals(List.of("s"), names());
            restores("s", stateA);
            return reverted;
        });
        System.out.println("snapshot -a: killed " + KillTimer.kills() + " times, " + applied + " finished first");
    }

    @Test
    void deleteKilledLeavesTheSnapshotOrNone() throws Exception {
        int deleted = run(new String[] {"snapshot", "-d", "s", null}, () -> {
            identical(stateB, image);
            List<String> names = names();
            if (names.isEmpty()) {
                return true;
            }
            assertEquals(List.of("s"), names);
            restores("s", stateA);
            return false;
        });
        System.out.println("snapshot -d: killed " + KillTimer.kills() + " times, " + deleted + " finished first");
    }

    /** What to verify after one kill; returns whether the operation had finished. */
    @FunctionalInterface
    private interface Outcome {
        boolean verify() throws Exception;
    }

    private int run(String[] command, Outcome outcome) throws Exception {
        command[command.length - 1] = image.toString();
        reset();
        long full = timer.fullRunMillis(command);
        reset();
        long writing = timer.writingPhaseMillis(image, command);
        System.out.println(String.join(" ", command) + ": " + full + " ms in all, " + writing + " ms writing");
        int finished = 0;
        for (int i = 0; i < KillTimer.kills(); i++) {
            reset();
            if (i % 2 == 0) {
                timer.killAfterFirstWrite(image, writing, command);
            } else {
                timer.killBetween(0, full, command);
            }
            checkClean(image);
            if (outcome.verify()) {
                finished++;
            }
        }
        return finished;
    }

    private void reset() throws Exception {
        Files.copy(reference, image, StandardCopyOption.REPLACE_EXISTING);
    }

    private List<String> names() {
        return Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout().lines().skip(2)
                .map(l -> l.split("\\s+")[1]).toList();
    }

    /** Applying {@code name} with qemu-img, on a copy, gives {@code expected}. */
    private void restores(String name, Path expected) throws Exception {
        Path copy = Files.copy(image, dir.resolve("restored.qcow2"), StandardCopyOption.REPLACE_EXISTING);
        Peers.ok("qemu-img", "snapshot", "-a", name, copy.toString());
        checkClean(copy);
        identical(expected, copy);
    }

    private static void identical(Path expected, Path image) {
        Peers.ok("qemu-img", "compare", "-q", expected.toString(), image.toString());
    }
}
