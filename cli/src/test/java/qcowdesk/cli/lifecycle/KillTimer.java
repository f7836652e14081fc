package qcowdesk.cli.lifecycle;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import qcowdesk.cli.QcowctlProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs qcowctl as a real process and SIGKILLs it after a random delay, for the crash tests. The delay is drawn
 * uniformly from a window measured beforehand on the same machine: a full run of the operation gives its end, and
 * (for operations so short that JVM start would swallow most kills) a run of a read-only command on the same image
 * gives the instant the operation's own work begins. Operations that append their new metadata to the file before
 * switching to it are better aimed at by watching the file: the kill then falls a random time after the file
 * is first written (its modification time or size changes), within the writing phase as a calibration run
 * measured it.
 */
final class KillTimer {

    static final int KILLS = 20;

    private final Path dir;
    private final Random random = new Random(Long.getLong("qcowdesk.lifecycle.seed", System.nanoTime()));

    KillTimer(Path dir) {
        this.dir = dir;
    }

    /** Kills per operation kind: {@value #KILLS}, or {@code -Dqcowdesk.lifecycle.kills=N}. */
    static int kills() {
        return Integer.getInteger("qcowdesk.lifecycle.kills", KILLS);
    }

    /** How long the command takes when left alone (it runs to completion and leaves its result). */
    long fullRunMillis(String... args) {
        long start = System.nanoTime();
        QcowctlProcess.Result result = QcowctlProcess.run(dir, dir, args);
        assertEquals(0, result.exitCode(), result.stderr());
        return Math.max(50, (System.nanoTime() - start) / 1_000_000);
    }

    /** Milliseconds from the moment {@code file} is first written until the command exits, in one full run. */
    long writingPhaseMillis(Path file, String... args) throws Exception {
        Stamp before = Stamp.of(file);
        try (QcowctlProcess p = QcowctlProcess.start(dir, dir, args)) {
            long grown = awaitWrite(p, file, before);
            QcowctlProcess.Result result = p.awaitExit(Duration.ofMinutes(1));
            assertEquals(0, result.exitCode(), result.stderr());
            return Math.max(1, (System.nanoTime() - grown) / 1_000_000);
        }
    }

    /** Starts the command and kills it a random time within {@code [0, windowMillis * 1.2)} after its first write. */
    void killAfterFirstWrite(Path file, long windowMillis, String... args) throws Exception {
        Stamp before = Stamp.of(file);
        long delay = (long) (random.nextDouble() * windowMillis * 1.2);
        try (QcowctlProcess p = QcowctlProcess.start(dir, dir, args)) {
            awaitWrite(p, file, before);
            Thread.sleep(delay);
            if (p.isAlive()) {
                p.signal("KILL");
            }
            p.awaitExit(Duration.ofSeconds(30));
        }
    }

    /** A file's size and modification time, to see that something wrote it. */
    private record Stamp(long size, java.nio.file.attribute.FileTime modified) {
        static Stamp of(Path file) throws java.io.IOException {
            return new Stamp(java.nio.file.Files.size(file), java.nio.file.Files.getLastModifiedTime(file));
        }
    }

    /** Polls until the file was written (or the process ended); returns when, in nanoseconds. */
    private static long awaitWrite(QcowctlProcess p, Path file, Stamp before) throws Exception {
        while (p.isAlive() && Stamp.of(file).equals(before)) {
            Thread.onSpinWait();
        }
        return System.nanoTime();
    }

    /** Starts the command and kills it after a delay drawn from {@code [fromMillis, toMillis * 1.1)}. */
    void killBetween(long fromMillis, long toMillis, String... args) throws InterruptedException {
        long delay = fromMillis + (long) (random.nextDouble() * Math.max(1, toMillis * 1.1 - fromMillis));
        try (QcowctlProcess p = QcowctlProcess.start(dir, dir, args)) {
            Thread.sleep(delay);
            if (p.isAlive()) {
                p.signal("KILL");
            }
            p.awaitExit(Duration.ofSeconds(30));
        }
    }
}
