package qcowdesk.cli.lifecycle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.QcowctlProcess;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static qcowdesk.cli.lifecycle.LifecycleImages.checkClean;

/**
 * A SIGKILLed convert leaves its hidden temporary file beside the destination; the next convert (or compact) to
 * the same destination deletes it, and only files it can prove are abandoned: the name pattern with a process id
 * that is gone, a regular file, held open by no process. Files of living processes, files some process holds open,
 * links and other targets' files stay.
 */
class AbandonedTemporaryFileTest {

    @TempDir
    Path dir;

    @Test
    void theNextConvertDeletesWhatAKilledOneLeftAndNothingElse() throws Exception {
        // random data, compressed on one thread: a convert that runs for seconds
        Path random = dir.resolve("random.raw");
        Peers.ok("dd", "if=/dev/urandom", "of=" + random, "bs=1M", "count=128", "status=none");
        Path source = dir.resolve("src.qcow2");
        Peers.ok("qemu-img", "convert", "-f", "raw", "-O", "qcow2", random.toString(), source.toString());
        Files.delete(random);
        Path destination = dir.resolve("dst.qcow2");

        try (QcowctlProcess convert = QcowctlProcess.start(dir, dir, "convert", "-c", "-m", "1", "-O", "qcow2",
                source.toString(), destination.toString())) {
            Path left = awaitTemporary(destination, Duration.ofSeconds(60));
            convert.signal("KILL");
            convert.awaitExit(Duration.ofSeconds(30));
            assertTrue(Files.exists(left), "the convert ended before it was killed: " + left);
        }
        assertFalse(Files.exists(destination), "a killed convert left a destination");
        List<Path> killed = temporaries(destination);
        assertEquals(1, killed.size(), killed.toString());

        // decoys: the same pattern, but a living process's; one a process holds open; a link; another target's
        Process living = new ProcessBuilder("sleep", "120").start();
        long dead = deadPid();
        Path ofTheLiving = Files.writeString(dir.resolve(".dst.qcow2.qcowdesk-" + living.pid() + "-1.tmp"), "x");
        Path held = Files.writeString(dir.resolve(".dst.qcow2.qcowdesk-" + dead + "-7.tmp"), "x");
        Process holder = new ProcessBuilder("bash", "-c", "exec 3<'" + held + "'; sleep 120").start();
        Path link = Files.createSymbolicLink(dir.resolve(".dst.qcow2.qcowdesk-" + dead + "-8.tmp"), source);
        Path otherTarget = Files.writeString(dir.resolve(".other.qcow2.qcowdesk-" + dead + "-1.tmp"), "x");
        try {
            awaitOpen(holder, held);
            QcowctlProcess.Result again = QcowctlProcess.run(dir, dir, "convert", "-O", "qcow2", source.toString(),
                    destination.toString());
            assertEquals(0, again.exitCode(), again.stderr());
            checkClean(destination);
            Peers.ok("qemu-img", "compare", "-q", source.toString(), destination.toString());
            assertFalse(Files.exists(killed.get(0)), "the killed convert's file is still there");
            for (Path kept : List.of(ofTheLiving, held, otherTarget)) {
                assertTrue(Files.exists(kept), kept + " was deleted");
            }
            assertTrue(Files.isSymbolicLink(link), "a link was deleted");
            assertTrue(Files.exists(source));
        } finally {
            living.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        // compact builds beside the image it rewrites: it cleans that image's leftovers the same way
        Path compactLeft = Files.writeString(dir.resolve(".src.qcow2.qcowdesk-" + deadPid() + "-3.tmp"), "x");
        QcowctlProcess.Result compact = QcowctlProcess.run(dir, dir, "compact", source.toString());
        assertEquals(0, compact.exitCode(), compact.stderr());
        assertFalse(Files.exists(compactLeft), "compact left the abandoned file");
        assertTrue(Files.exists(ofTheLiving) && Files.exists(held), "compact touched another target's files");
    }

    /** The id of a process that has exited. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor(10, TimeUnit.SECONDS);
        Thread.sleep(50);
        assertFalse(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false));
        return p.pid();
    }

    private static void awaitOpen(Process holder, Path file) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Path fd = Path.of("/proc/" + holder.pid() + "/fd/3");
        while (System.nanoTime() < deadline) {
            if (Files.exists(fd) && Files.isSameFile(fd, file)) {
                return;
            }
            Thread.sleep(20);
        }
        fail("the holder never opened " + file);
    }

    private Path awaitTemporary(Path destination, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Path> found = temporaries(destination).stream().findFirst();
            if (found.isPresent() && Files.size(found.get()) > 0) {
                return found.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("convert never made its temporary file");
    }

    private List<Path> temporaries(Path destination) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("." + destination.getFileName()
                    + ".qcowdesk-")).toList();
        }
    }
}
