package qcowdesk.engine.qcow2.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import qcowdesk.engine.qcow2.HeaderFile;
import qcowdesk.engine.qcow2.SnapshotTableReader;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.SnapshotTable;
import qcowdesk.testkit.Peers;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every crash point of a snapshot change, exhaustively: the change is run once per write it makes, stopped just
 * before that write (as a SIGKILL between two pwrite calls would stop it), and {@code qemu-img check} must find the
 * file clean and {@code qemu-img compare} the guest's disk as it was or as asked. The random SIGKILLs of the CLI's
 * SnapshotKillTest sample the same instants; this visits each one.
 */
class MetadataGenerationCrashTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "bitmaps {0}")
    @ValueSource(booleans = {false, true})
    void createIsAtomicAtEveryWrite(boolean bitmaps) throws Exception {
        everyCrashPoint("create", bitmaps, (header, snapshots) -> {
            List<SnapshotTable.Snapshot> next = new ArrayList<>(snapshots);
            next.add(new SnapshotTable.Snapshot(0, header.l1Size(), "2", "new", 1_800_000_000L, 0, 0, 0,
                    header.size(), 0, null));
            return new MetadataGeneration.Plan(next, header.l1TableOffset(), header.l1Size(), header.l1Size(),
                    header.size());
        }, false);
    }

    @ParameterizedTest(name = "bitmaps {0}")
    @ValueSource(booleans = {false, true})
    void applyIsAtomicAtEveryWrite(boolean bitmaps) throws Exception {
        everyCrashPoint("apply", bitmaps, (header, snapshots) -> {
            SnapshotTable.Snapshot s = snapshots.get(0);
            return new MetadataGeneration.Plan(snapshots, s.l1TableOffset(), (int) s.l1Size(), (int) s.l1Size(),
                    s.diskSize());
        }, true);
    }

    @ParameterizedTest(name = "bitmaps {0}")
    @ValueSource(booleans = {false, true})
    void deleteIsAtomicAtEveryWrite(boolean bitmaps) throws Exception {
        everyCrashPoint("delete", bitmaps, (header, snapshots) -> new MetadataGeneration.Plan(List.of(),
                header.l1TableOffset(), header.l1Size(), header.l1Size(), header.size()), false);
    }

    /**
     * With {@code bitmaps}, the image carries two persistent dirty bitmaps with data (one enabled from the start,
     * one enabled after the snapshot): every crash point must also leave them counted ({@code qemu-img check}) and
     * listed by {@code qemu-img info} as before.
     */
    private void everyCrashPoint(String name, boolean bitmaps,
                                 BiFunction<Qcow2Header, List<SnapshotTable.Snapshot>, MetadataGeneration.Plan> plan,
                                 boolean reverts) throws Exception {
        name = name + (bitmaps ? "-bitmaps" : "");
        Path reference = dir.resolve(name + "-ref.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "cluster_size=4k", reference.toString(), "64M");
        if (bitmaps) {
            Peers.ok("qemu-img", "bitmap", "--add", reference.toString(), "b0");
            Peers.ok("qemu-img", "bitmap", "--add", "-g", "16k", reference.toString(), "b1");
            Peers.ok("qemu-img", "bitmap", "--disable", reference.toString(), "b1");
        }
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 1 0 8M", "-c", "write -c -P 2 9M 64k", "-c",
                "write -z 10M 1M", "-c", "write -P 3 40M 8M", reference.toString());
        Path stateA = Files.copy(reference, dir.resolve(name + "-a.qcow2"));
        Peers.ok("qemu-img", "snapshot", "-c", "s", reference.toString());
        if (bitmaps) {
            Peers.ok("qemu-img", "bitmap", "--enable", reference.toString(), "b1");
        }
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 7 2M 4M", "-c", "write -P 8 41M 1M",
                reference.toString());
        Path stateB = Files.copy(reference, dir.resolve(name + "-b.qcow2"));
        Path image = dir.resolve(name + ".qcow2");
        JsonNode listed = bitmaps(reference);
        assertEquals(bitmaps ? 2 : 0, listed.size(), listed.toString());

        long writes = run(reference, image, plan, Long.MAX_VALUE);
        assertTrue(writes > 10, writes + " writes");
        int switched = 0;
        for (long crashAt = 1; crashAt <= writes + 1; crashAt++) { // the last: no crash
            run(reference, image, plan, crashAt);
            Peers.Result check = Peers.run("qemu-img", "check", image.toString());
            assertEquals(0, check.exitCode(), name + " crashed before write " + crashAt + " of " + writes + ":\n"
                    + check.stdout());
            boolean isA = Peers.run("qemu-img", "compare", "-q", stateA.toString(), image.toString())
                    .exitCode() == 0;
            boolean isB = Peers.run("qemu-img", "compare", "-q", stateB.toString(), image.toString())
                    .exitCode() == 0;
            assertTrue(reverts ? isA || isB : isB, name + " crashed before write " + crashAt + ": the guest sees "
                    + "neither state");
            if (bitmaps) {
                assertEquals(listed, bitmaps(image), name + " crashed before write " + crashAt + ": bitmaps");
            }
            if (headerOf(image).l1TableOffset() != headerOf(reference).l1TableOffset()) {
                switched++;
            }
        }
        // Only the finished run switches: every crash, even just before the header write, leaves the old one.
        assertEquals(1, switched, name + ": crash points after the switch");
    }

    /** Copies the reference, runs the change over a channel that crashes before write {@code crashAt}. */
    private static long run(Path reference, Path image,
                            BiFunction<Qcow2Header, List<SnapshotTable.Snapshot>, MetadataGeneration.Plan> plan,
                            long crashAt) throws Exception {
        Files.copy(reference, image, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel file = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            CrashingChannel channel = new CrashingChannel(file, crashAt);
            Qcow2Header header = HeaderFile.read(channel);
            List<SnapshotTable.Snapshot> snapshots = SnapshotTableReader.read(channel, header).entries();
            try {
                MetadataGeneration.commit(channel, header, plan.apply(header, snapshots), ProgressListener.NONE,
                        () -> false);
            } catch (CrashingChannel.Crash crash) {
                // the process is gone: nothing else runs
            }
            return channel.writes();
        }
    }

    /** What {@code qemu-img info --output=json} lists as the image's bitmaps (empty without). */
    private static JsonNode bitmaps(Path image) throws Exception {
        String json = Peers.ok("qemu-img", "info", "--output=json", image.toString()).stdout();
        return new ObjectMapper().readTree(json).path("format-specific").path("data").path("bitmaps");
    }

    private static Qcow2Header headerOf(Path image) throws Exception {
        try (FileChannel file = FileChannel.open(image, StandardOpenOption.READ)) {
            return HeaderFile.read(file);
        }
    }
}
