package qcowdesk.cli.lifecycle;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.cli.lifecycle.LifecycleImages.checkClean;
import static qcowdesk.cli.lifecycle.LifecycleImages.checkConsistent;
import static qcowdesk.cli.lifecycle.LifecycleImages.create;
import static qcowdesk.cli.lifecycle.LifecycleImages.io;

/**
 * Crash safety: each image-writing operation runs as a real qcowctl process and is SIGKILLed at a random instant
 * (spread over its whole run, JVM start included) {@value KillTimer#KILLS} times. Afterwards the original must check clean
 * with qemu-img and hold the same data, or the operation's finished result must be there; never anything between.
 * Commit and rebase write the images in place, as qemu-img does: a kill may leak clusters there, never corrupt.
 * {@code -Dqcowdesk.lifecycle.kills=N} runs more.
 */
class LifecycleKillTest {

    @TempDir
    Path dir;

    private KillTimer timer;

    @BeforeEach
    void timer() {
        timer = new KillTimer(dir);
    }

    @Test
    void convertKilledLeavesNoHalfWrittenDestination() throws Exception {
        Path source = source("convert-src.qcow2");
        Path destination = dir.resolve("convert-dst.qcow2");
        long full = fullRunMillis("convert", "-c", "-O", "qcow2", source.toString(), destination.toString());
        for (int i = 0; i < kills(); i++) {
            Files.deleteIfExists(destination);
            killAt(full, "convert", "-c", "-O", "qcow2", source.toString(), destination.toString());
            if (Files.exists(destination)) {
                checkClean(destination);
                Peers.ok("qemu-img", "compare", "-q", source.toString(), destination.toString());
            }
            checkClean(source);
        }
    }

    @Test
    void compactKilledLeavesTheOriginalOrTheResult() throws Exception {
        Path reference = source("compact-ref.qcow2");
        Path image = dir.resolve("compact.qcow2");
        Files.copy(reference, image);
        long full = fullRunMillis("compact", image.toString());
        for (int i = 0; i < kills(); i++) {
            Files.copy(reference, image, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            killAt(full, "compact", image.toString());
            checkClean(image);
            Peers.ok("qemu-img", "compare", "-q", reference.toString(), image.toString());
        }
    }

    @Test
    void resizeKilledLeavesEitherSize() throws Exception {
        Path reference = source("resize-ref.qcow2");
        Path image = dir.resolve("resize.qcow2");
        Files.copy(reference, image);
        long full = fullRunMillis("resize", image.toString(), "+64M");
        for (int i = 0; i < kills(); i++) {
            Files.copy(reference, image, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            killAt(full, "resize", image.toString(), "+64M");
            checkClean(image);
            long size = qcowdesk.engine.qcow2.tools.ImageInfo.of(image).virtualSize();
            assertTrue(size == 32L << 20 || size == 96L << 20, "virtual size " + size);
            Peers.ok("qemu-img", "compare", "-q", reference.toString(), image.toString());
        }
    }

    /**
     * Growth past what the L1 table's cluster holds (16 KiB clusters: 2048 entries of 32 MiB) moves the table: the
     * new one in free space, synced with its refcounts, one header write of size and table, the old one freed.
     * A kill leaves either size with the data intact; it may leak the clusters of one of the two tables, as a
     * killed qemu-img resize may, never corrupt.
     */
    @Test
    void resizeThatMovesTheL1TableKilledLeavesEitherSize() throws Exception {
        Path reference = source("resize-l1-ref.qcow2");
        Path image = dir.resolve("resize-l1.qcow2");
        Files.copy(reference, image);
        long full = fullRunMillis("resize", image.toString(), "+64G");
        assertEquals((32L << 20) + (64L << 30), qcowdesk.engine.qcow2.tools.ImageInfo.of(image).virtualSize());
        for (int i = 0; i < kills(); i++) {
            Files.copy(reference, image, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            killAt(full, "resize", image.toString(), "+64G");
            checkConsistent(image);
            long size = qcowdesk.engine.qcow2.tools.ImageInfo.of(image).virtualSize();
            assertTrue(size == 32L << 20 || size == (32L << 20) + (64L << 30), "virtual size " + size);
            Peers.ok("qemu-img", "compare", "-q", reference.toString(), image.toString());
        }
    }

    @Test
    void commitAndRebaseKilledKeepTheGuestsData() throws Exception {
        Path base = source("chain-base.qcow2");
        Path overlay = dir.resolve("chain-top.qcow2");
        Path other = dir.resolve("chain-other.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", other.toString(), "32M");
        Path baseCopy = Files.copy(base, dir.resolve("chain-base.orig"));
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "chain-base.qcow2", "-F", "qcow2",
                overlay.toString());
        io(overlay, "write -P 9 1M 2M", "write -z 20M 1M", "write -P 8 30M 64k");
        Path view = dir.resolve("chain-view.qcow2");
        Peers.ok("qemu-img", "convert", "-O", "qcow2", overlay.toString(), view.toString());
        Path overlayCopy = Files.copy(overlay, dir.resolve("chain-top.orig"));
        String[][] operations = {{"commit", overlay.toString()},
                {"rebase", "-b", "chain-other.qcow2", "-F", "qcow2", overlay.toString()}};
        for (String[] op : operations) {
            long full = fullRunMillis(op);
            for (int i = 0; i < kills(); i++) {
                Files.copy(baseCopy, base, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.copy(overlayCopy, overlay, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                killAt(full, op);
                checkConsistent(overlay);
                checkConsistent(base);
                Peers.ok("qemu-img", "compare", "-q", view.toString(), overlay.toString());
            }
            Files.copy(baseCopy, base, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(overlayCopy, overlay, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A 32 MiB image with compressible, random and zero data, and a compressed cluster. */
    private Path source(String name) {
        Path image = create(dir, name, "32M", "-o", "cluster_size=16k");
        io(image, "write -P 1 0 6M", "write -P 0 8M 4M", "write -c -P 2 14M 64k", "write -P 3 20M 8M");
        return image;
    }

    private int kills() {
        return KillTimer.kills();
    }

    private long fullRunMillis(String... args) {
        return timer.fullRunMillis(args);
    }

    private void killAt(long fullMillis, String... args) throws InterruptedException {
        timer.killBetween(0, fullMillis, args);
    }
}
