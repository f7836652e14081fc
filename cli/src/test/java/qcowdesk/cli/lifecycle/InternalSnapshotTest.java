package qcowdesk.cli.lifecycle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.CliRun;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.cli.lifecycle.LifecycleImages.checkClean;
import static qcowdesk.cli.lifecycle.LifecycleImages.create;
import static qcowdesk.cli.lifecycle.LifecycleImages.io;

/**
 * {@code snapshot -c/-a/-d} against qemu-img snapshot on the same images: what we create QEMU lists and restores,
 * what QEMU created we restore, contents compared with {@code qemu-img compare}, and {@code qemu-img check} clean
 * (refcounts and COPIED flags exact) after every step, including QEMU's own writes after ours.
 */
class InternalSnapshotTest {

    @TempDir
    Path dir;

    @Test
    void ourSnapshotIsListedAndRestoredByQemu() throws Exception {
        Path image = image("ours.qcow2");
        Path then = copy(image, "ours-then.qcow2");
        ok("snapshot", "-c", "before", image.toString());
        checkClean(image);
        String list = Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout();
        assertTrue(list.lines().anyMatch(l -> l.matches("1\\s+before\\s+0 B .*00:00:00\\.000\\s+0")), list);
        assertEquals(list, ok("snapshot", "-l", image.toString()).out());
        identical(then, image);
        io(image, "write -P 7 0 6M", "write -P 8 20M 64k", "write -z 14M 64k"); // QEMU writes over shared clusters
        checkClean(image);
        different(then, image);
        Peers.ok("qemu-img", "snapshot", "-a", "before", image.toString());
        checkClean(image);
        identical(then, image);
        Peers.ok("qemu-img", "snapshot", "-d", "before", image.toString());
        checkClean(image);
        identical(then, image);
    }

    @Test
    void qemusSnapshotIsRestoredByUs() throws Exception {
        Path image = image("theirs.qcow2");
        Path then = copy(image, "theirs-then.qcow2");
        Peers.ok("qemu-img", "snapshot", "-c", "q", image.toString());
        io(image, "write -P 7 1M 6M", "write -P 9 30M 2M");
        Path now = copy(image, "theirs-now.qcow2");
        ok("snapshot", "-c", "mine", image.toString());
        checkClean(image);
        ok("snapshot", "-a", "q", image.toString());
        checkClean(image);
        identical(then, image);
        io(image, "write -P 5 0 3M"); // COPIED flags after our apply: QEMU must copy on write into shared clusters
        checkClean(image);
        ok("snapshot", "-a", "mine", image.toString());
        checkClean(image);
        identical(now, image);
        ok("snapshot", "-a", "1", image.toString()); // an id is looked up before names
        identical(then, image);
        Peers.ok("qemu-img", "snapshot", "-a", "mine", image.toString());
        identical(now, image);
        checkClean(image);
    }

    @Test
    void deleteFreesWhatOnlyThatSnapshotHeld() throws Exception {
        Path image = image("delete.qcow2");
        ok("snapshot", "-c", "old", image.toString());
        io(image, "write -P 7 0 4M", "write -P 3 12M 4M"); // 8 MiB now held only by the snapshot
        Path now = copy(image, "delete-now.qcow2");
        ok("snapshot", "-d", "old", image.toString());
        checkClean(image);
        identical(now, image);
        assertEquals("", Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout());
        long size = Files.size(image);
        // New data goes into the freed clusters: the file does not grow by 8 MiB. (One write per MiB: QEMU
        // allocates a request's clusters as one contiguous run, and the freed runs are 4 MiB each.)
        io(image, "write -P 4 20M 1M", "write -P 4 21M 1M", "write -P 4 22M 1M", "write -P 4 23M 1M",
                "write -P 4 24M 1M", "write -P 4 25M 1M", "write -P 4 26M 1M", "write -P 4 27M 1M");
        checkClean(image);
        assertTrue(Files.size(image) < size + (1L << 20), Files.size(image) + " after " + size);
        Peers.ok("qemu-img", "snapshot", "-c", "q", image.toString());
        ok("snapshot", "-d", "q", image.toString()); // and one QEMU made
        checkClean(image);
    }

    @Test
    void repeatedChangesReuseTheSpaceTheyFreed() throws Exception {
        Path image = image("repeat.qcow2");
        ok("snapshot", "-c", "s", image.toString());
        ok("snapshot", "-d", "s", image.toString());
        long settled = Files.size(image);
        for (int i = 0; i < 8; i++) {
            ok("snapshot", "-c", "s" + i, image.toString());
            ok("snapshot", "-a", "s" + i, image.toString());
            ok("snapshot", "-d", "s" + i, image.toString());
        }
        checkClean(image);
        // Each generation goes where the one before it was freed: 24 changes, and the file has not grown.
        assertTrue(Files.size(image) <= settled + (256 << 10), Files.size(image) + " after " + settled);
    }

    @Test
    void idsNamesAndSizesFollowQemu() throws Exception {
        Path image = image("ids.qcow2");
        Path small = copy(image, "ids-small.qcow2");
        ok("snapshot", "-c", "same", image.toString());
        ok("snapshot", "-c", "same", image.toString());
        CliRun byId = CliRun.of("snapshot", "-d", "1", image.toString()); // delete takes names only, as qemu-img
        assertEquals(Peers.run("qemu-img", "snapshot", "-d", "1", image.toString()).exitCode(), byId.exitCode());
        ok("snapshot", "-d", "same", image.toString()); // the first of that name
        ok("snapshot", "-c", "", image.toString());
        List<String> rows = Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout().lines().skip(2)
                .map(l -> l.replaceFirst("^(\\S+)\\s+(.*?)\\s+0 B .*$", "$1:$2")).toList();
        assertEquals(List.of("2:same", "3:"), rows);
        Peers.ok("qemu-img", "resize", "-q", image.toString(), "+32M");
        io(image, "write -P 6 60M 1M");
        checkClean(image);
        ok("snapshot", "-a", "same", image.toString()); // the disk size recorded with the snapshot comes back
        assertEquals(ImageInfo.of(small).virtualSize(), ImageInfo.of(image).virtualSize());
        identical(small, image);
        checkClean(image);
    }

    /** The layouts the format allows: each step checks clean and restores what it should, ours and QEMU's mixed. */
    @ParameterizedTest
    @ValueSource(strings = {"compat=0.10", "extended_l2=on,cluster_size=128k", "cluster_size=2M",
            "refcount_bits=64", "cluster_size=512", "refcount_bits=8", "backing"})
    void everyLayout(String options) throws Exception {
        Path image;
        if (options.equals("backing")) {
            Path base = image("layout-base.qcow2");
            image = create(dir, "layout.qcow2", "32M", "-b", base.getFileName().toString(), "-F", "qcow2");
            io(image, "write -P 4 1M 64k", "write -z 12M 64k");
        } else {
            image = create(dir, "layout.qcow2", "32M", "-o", options);
            io(image, "write -P 1 0 4M", "write -P 2 5M 3k", "write -P 3 20M 1M");
        }
        Path then = copy(image, "layout-then.qcow2");
        ok("snapshot", "-c", "one", image.toString());
        checkClean(image);
        io(image, "write -P 7 0 2M", "write -P 8 5M 1k", "write -P 9 30M 64k");
        checkClean(image);
        Path now = copy(image, "layout-now.qcow2");
        Peers.ok("qemu-img", "snapshot", "-c", "two", image.toString());
        Peers.ok("qemu-img", "snapshot", "-a", "one", image.toString());
        identical(then, image);
        ok("snapshot", "-a", "two", image.toString());
        checkClean(image);
        identical(now, image);
        ok("snapshot", "-d", "one", image.toString());
        checkClean(image);
        Peers.ok("qemu-img", "snapshot", "-d", "two", image.toString());
        checkClean(image);
        identical(now, image);
    }

    @Test
    void unknownNamesAndBrokenImagesAreRefusedUntouched() throws Exception {
        Path image = image("refuse.qcow2");
        ok("snapshot", "-c", "s", image.toString());
        byte[] before = Files.readAllBytes(image);
        for (String action : new String[] {"-a", "-d"}) {
            CliRun run = CliRun.of("snapshot", action, "nope", image.toString());
            assertEquals(1, run.exitCode(), run.err());
            assertTrue(run.err().contains("snapshot 'nope'") && run.err().contains("no snapshot with that"),
                    run.err());
        }
        assertArrayEquals(before, Files.readAllBytes(image));
        Path lazy = create(dir, "dirty.qcow2", "8M", "-o", "lazy_refcounts=on");
        io(lazy, "write -P 1 0 64k");
        byte[] header = Files.readAllBytes(lazy);
        header[79] |= 1; // incompatible feature bit 0: dirty
        Files.write(lazy, header);
        CliRun dirty = CliRun.of("snapshot", "-c", "x", lazy.toString());
        assertEquals(1, dirty.exitCode());
        assertTrue(dirty.err().contains("not closed cleanly") && dirty.err().contains("repair it first"),
                dirty.err());
        assertArrayEquals(header, Files.readAllBytes(lazy));
    }

    /** A 32 MiB image with data, a compressed cluster, zero clusters and holes. */
    private Path image(String name) {
        Path image = create(dir, name, "32M");
        io(image, "write -P 1 0 4M", "write -c -P 2 8M 64k", "write -z 10M 1M", "write -P 3 12M 4M");
        return image;
    }

    private Path copy(Path image, String name) throws Exception {
        return Files.copy(image, dir.resolve(name));
    }

    private static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), String.join(" ", args) + ": " + run.err());
        return run;
    }

    private static void identical(Path expected, Path image) {
        Peers.ok("qemu-img", "compare", "-q", expected.toString(), image.toString());
    }

    private static void different(Path expected, Path image) {
        assertEquals(1, Peers.run("qemu-img", "compare", "-q", expected.toString(), image.toString()).exitCode());
    }
}
