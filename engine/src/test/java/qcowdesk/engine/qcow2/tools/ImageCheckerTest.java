package qcowdesk.engine.qcow2.tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageCheckerTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource(Corpus.ALL)
    void countsEqualQemuImgCheckOnTheCorpus(Corpus.Image image) throws Exception {
        CheckReport ours = ImageChecker.check(image.path(), ProgressListener.NONE);
        assertSameCounts(Qemu.check(image.path()), ours);
        assertTrue(ours.isClean(), ours.messages().toString());
    }

    @Test
    void leakFromAnUnreferencedDataClusterIsCountedAndRepaired() throws Exception {
        Path image = ImagePatcher.copyOf(Corpus.shared().get("v3-c64k"), dir);
        // Crash between clearing an L2 entry and dropping the refcount: the cluster leaks.
        ImagePatcher.clearL2Entry(image, 2 << 20);
        Path expected = rawOf(image);
        assertSameCounts(Qemu.check(image), ImageChecker.check(image, ProgressListener.NONE));
        CheckReport before = ImageChecker.check(image, ProgressListener.NONE);
        assertEquals(1, before.leaks());

        RepairReport repair = ImageChecker.repair(image, RepairMode.LEAKS, ProgressListener.NONE);
        assertEquals(1, repair.leaksFixed());
        assertTrue(repair.after().isClean(), repair.after().messages().toString());
        assertQemuClean(image);
        ImagePatcher.assertGuestDataEquals(expected, image, dir);
    }

    @Test
    void raisedRefcountIsALeakAndACopiedFlagCorruptionLikeQemuSays() throws Exception {
        Path image = ImagePatcher.copyOf(Corpus.shared().get("v3-c4k"), dir);
        Path expected = ImagePatcher.raw(image, dir.resolve("before.raw"));
        long dataCluster = ImagePatcher.firstDataCluster(image);
        ImagePatcher.setRefcount(image, dataCluster, 2);
        CheckReport ours = ImageChecker.check(image, ProgressListener.NONE);
        assertSameCounts(Qemu.check(image), ours);
        assertEquals(1, ours.leaks());
        assertEquals(1, ours.corruptions());

        ImageChecker.repair(image, RepairMode.ALL, ProgressListener.NONE);
        assertQemuClean(image);
        ImagePatcher.assertGuestDataEquals(expected, image, dir);
    }

    @Test
    void zeroRefcountOfAUsedClusterIsACorruptionAndARebuildRepairsIt() throws Exception {
        Path image = ImagePatcher.copyOf(Corpus.shared().get("v3-refcount1"), dir);
        Path expected = ImagePatcher.raw(image, dir.resolve("before.raw"));
        long dataCluster = ImagePatcher.firstDataCluster(image);
        ImagePatcher.setRefcount(image, dataCluster, 0);
        CheckReport ours = ImageChecker.check(image, ProgressListener.NONE);
        assertSameCounts(Qemu.check(image), ours);
        assertTrue(ours.corruptions() >= 1);
        assertTrue(ours.rebuildNeeded());

        AtomicLong progressCalls = new AtomicLong();
        RepairReport repair = ImageChecker.repair(image, RepairMode.ALL, (phase, done, total) -> progressCalls.incrementAndGet());
        assertTrue(repair.rebuilt());
        assertTrue(progressCalls.get() > 0);
        assertTrue(repair.after().isClean(), repair.after().messages().toString());
        assertQemuClean(image);
        ImagePatcher.assertGuestDataEquals(expected, image, dir);
        Qemu.io(image, "write -P 0x77 0 64k", "read -P 0x77 0 64k");
        assertQemuClean(image);
    }

    @Test
    void leaksModeLeavesCorruptionsAlone() throws Exception {
        Path image = ImagePatcher.copyOf(Corpus.shared().get("v3-c64k"), dir);
        long dataCluster = ImagePatcher.firstDataCluster(image);
        ImagePatcher.setRefcount(image, dataCluster, 0);
        RepairReport repair = ImageChecker.repair(image, RepairMode.LEAKS, ProgressListener.NONE);
        assertFalse(repair.rebuilt());
        assertTrue(repair.after().corruptions() > 0);
    }

    @Test
    void repairAndCheckAreRefusedWhileQemuHasTheImageOpenForWriting() throws Exception {
        Path image = ImagePatcher.copyOf(Corpus.shared().get("v3-c64k"), dir);
        Process nbd = startQemuNbd(image, false);
        try {
            EngineException e = assertThrows(EngineException.class,
                    () -> ImageChecker.repair(image, RepairMode.ALL, ProgressListener.NONE));
            assertEquals(ErrorCode.IN_USE, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            EngineException checking = assertThrows(EngineException.class,
                    () -> ImageChecker.check(image, ProgressListener.NONE));
            assertEquals(ErrorCode.IN_USE, checking.code(), checking.getMessage());
        } finally {
            Peers.stop(nbd);
        }
    }

    @Test
    void aReadOnlyQemuUserDoesNotStopACheck() throws Exception {
        Path image = ImagePatcher.copyOf(Corpus.shared().get("v3-c64k"), dir);
        Process nbd = startQemuNbd(image, true);
        try {
            assertTrue(ImageChecker.check(image, ProgressListener.NONE).isClean());
        } finally {
            Peers.stop(nbd);
        }
    }

    private Process startQemuNbd(Path image, boolean readOnly) throws Exception {
        Peers.require("qemu-nbd");
        Path socket = dir.resolve(readOnly ? "ro.sock" : "rw.sock");
        List<String> command = new ArrayList<>(List.of("qemu-nbd", "-k", socket.toString(), "-f", "qcow2"));
        if (readOnly) {
            command.add("-r");
        }
        command.add(image.toString());
        Process nbd = new ProcessBuilder(command).redirectErrorStream(true).start();
        for (int i = 0; i < 100 && !socket.toFile().exists(); i++) {
            Thread.sleep(50);
        }
        assertTrue(socket.toFile().exists(), "qemu-nbd did not start");
        return nbd;
    }

    @Test
    void crashWithLazyRefcountsLeavesADirtyImageThatRepairMakesWritableAgain() throws Exception {
        Path image = dir.resolve("lazy.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", "-o", "lazy_refcounts=on,cluster_size=4096", image.toString(), "4M");
        // qemu-io kills itself before closing: refcounts of the new clusters never reach the disk.
        Peers.Result crash = Peers.run("qemu-io", "-c", "write -P 0x31 0 1M", "-c", "write -P 0x32 2M 64k",
                "-c", "sigraise 9", image.toString());
        assertEquals(137, crash.exitCode(), crash.toString());
        assertTrue(ImageInfo.of(image).dirtyFlag());
        CheckReport before = ImageChecker.check(image, ProgressListener.NONE);
        assertSameCounts(Qemu.check(image), before);
        assertTrue(before.corruptions() > 0);
        // A writable open would rebuild the refcounts itself (DirtyImageOpenTest); a read-only one leaves them.
        Qcow2Image.open(image, OpenOptions.readOnly()).close();
        assertTrue(ImageInfo.of(image).dirtyFlag());

        RepairReport repair = ImageChecker.repair(image, RepairMode.ALL, ProgressListener.NONE);
        assertTrue(repair.after().isClean(), repair.after().messages().toString());
        assertFalse(ImageInfo.of(image).dirtyFlag());
        assertQemuClean(image);
        Qemu.io(image, "read -P 0x31 0 1M", "read -P 0x32 2M 64k");
        Qcow2Image.open(image, OpenOptions.readWrite()).close();
    }

    @Test
    void fullRepairOfACleanImageClearsTheCorruptBit() throws Exception {
        Path image = ImagePatcher.copyOf(Corpus.shared().get("v3-c64k"), dir);
        ImagePatcher.writeLong(image, 72, 1L << 1);
        assertTrue(ImageInfo.of(image).formatSpecific().data().corrupt());
        ImageChecker.repair(image, RepairMode.LEAKS, ProgressListener.NONE);
        assertTrue(ImageInfo.of(image).formatSpecific().data().corrupt(), "a leak repair must not vouch for the image");
        ImageChecker.repair(image, RepairMode.ALL, ProgressListener.NONE);
        assertFalse(ImageInfo.of(image).formatSpecific().data().corrupt());
        assertFalse(Qemu.info(image).get("format-specific").get("data").get("corrupt").asBoolean());
    }

    @Test
    void inspectingAnImageAttachedInThisProcessKeepsItsWriteLock() throws Exception {
        Path image = ImagePatcher.copyOf(Corpus.shared().get("v3-c64k"), dir);
        try (Qcow2Image attached = Qcow2Image.open(image, OpenOptions.readWrite())) {
            EngineException e = assertThrows(EngineException.class,
                    () -> ImageChecker.repair(image, RepairMode.ALL, ProgressListener.NONE));
            assertEquals(ErrorCode.IN_USE, e.code(), e.getMessage());
            ImageInfo.of(image);
            HostMap.of(image, ProgressListener.NONE);
            EngineException checking = assertThrows(EngineException.class,
                    () -> ImageChecker.check(image, ProgressListener.NONE));
            assertEquals(ErrorCode.IN_USE, checking.code(), checking.getMessage());
            // Had any of those closed its channel plainly, the writer's locks would be gone and QEMU could write.
            Peers.Result qemu = Peers.run("qemu-io", "-c", "write 0 512", image.toString());
            assertTrue(qemu.stderr().contains("lock"), "qemu-io should be locked out: " + qemu);
        }
    }

    static void assertSameCounts(JsonNode qemu, CheckReport ours) {
        assertEquals(fields(qemu), fields(Qemu.JSON.valueToTree(ours)),
                "qemu-img check vs ours; our messages: " + ours.messages());
    }

    /** Field name to value text, without the file name and format (numbers compare by value, not node type). */
    private static Map<String, String> fields(JsonNode node) {
        Map<String, String> fields = new TreeMap<>();
        node.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
        fields.remove("filename");
        fields.remove("format");
        return fields;
    }

    static void assertQemuClean(Path image) {
        JsonNode check = Qemu.check(image);
        assertEquals(0, check.path("check-errors").asInt(), check.toString());
        assertEquals(0, check.path("leaks").asInt(), check.toString());
        assertEquals(0, check.path("corruptions").asInt(), check.toString());
    }

    private Path rawOf(Path image) {
        return ImagePatcher.raw(image, dir.resolve(image.getFileName() + ".raw"));
    }
}
