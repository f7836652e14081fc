package qcowdesk.cli.lifecycle;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.CliRun;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.cli.lifecycle.LifecycleImages.checkClean;
import static qcowdesk.cli.lifecycle.LifecycleImages.create;
import static qcowdesk.cli.lifecycle.LifecycleImages.io;

/** {@code commit} and {@code rebase} give the images qemu-img commit and rebase give, on copies of the same chain. */
class CommitRebaseTest {

    @TempDir
    Path dir;

    /** base (qcow2) <- overlay, in directory {@code sub}. */
    private Path chain(String sub) throws Exception {
        Path d = Files.createDirectories(dir.resolve(sub));
        Path base = create(d, "base.qcow2", "16M");
        io(base, "write -P 1 0 4M", "write -P 4 8M 64k");
        Path other = d.resolve("other.raw");
        Peers.ok("qemu-img", "create", "-q", "-f", "raw", other.toString(), "16M");
        Peers.ok("qemu-io", "-f", "raw", "-c", "write -P 1 0 2M", "-c", "write -P 5 12M 64k", other.toString());
        Path overlay = d.resolve("overlay.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", overlay.toString());
        io(overlay, "write -P 2 1M 64k", "write -z 2M 128k", "write -P 3 10M 1M");
        return overlay;
    }

    @Test
    void commitMatchesQemuImgCommit() throws Exception {
        Path ours = chain("ours");
        Path theirs = chain("theirs");
        Path view = dir.resolve("view.qcow2");
        Peers.ok("qemu-img", "convert", "-O", "qcow2", ours.toString(), view.toString());
        CliRun run = CliRun.of("commit", ours.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("Image committed.\n", run.out());
        Peers.ok("qemu-img", "commit", "-q", theirs.toString());
        Path ourBase = ours.resolveSibling("base.qcow2");
        checkClean(ourBase);
        checkClean(ours);
        Peers.ok("qemu-img", "compare", "-q", theirs.resolveSibling("base.qcow2").toString(), ourBase.toString());
        Peers.ok("qemu-img", "compare", "-q", view.toString(), ours.toString());
        assertEquals(0, ownBytes(ours), "the overlay was not emptied");

        Path kept = chain("kept");
        assertEquals(0, CliRun.of("commit", "-d", kept.toString()).exitCode());
        assertTrue(ownBytes(kept) > 0);
        Peers.ok("qemu-img", "compare", "-q", view.toString(), kept.resolveSibling("base.qcow2").toString());
    }

    @Test
    void rebaseMatchesQemuImgRebaseSafeAndUnsafe() throws Exception {
        Path ours = chain("ours");
        Path theirs = chain("theirs");
        Path view = dir.resolve("view.qcow2");
        Peers.ok("qemu-img", "convert", "-O", "qcow2", ours.toString(), view.toString());
        CliRun run = CliRun.of("rebase", "-b", "other.raw", "-F", "raw", ours.toString());
        assertEquals(0, run.exitCode(), run.err());
        Peers.ok("qemu-img", "rebase", "-b", "other.raw", "-F", "raw", theirs.toString());
        checkClean(ours);
        Peers.ok("qemu-img", "compare", "-q", view.toString(), ours.toString());
        Peers.ok("qemu-img", "compare", "-q", theirs.toString(), ours.toString());
        JsonNode info = QemuJson.mapper().readTree(Peers.ok("qemu-img", "info", "--output=json", ours.toString())
                .stdout());
        assertEquals("other.raw", info.get("backing-filename").asText());
        assertEquals("raw", info.get("backing-filename-format").asText());

        CliRun unsafe = CliRun.of("rebase", "-u", "-b", "base.qcow2", "-F", "qcow2", ours.toString());
        assertEquals(0, unsafe.exitCode(), unsafe.err());
        Peers.ok("qemu-img", "rebase", "-u", "-b", "base.qcow2", "-F", "qcow2", theirs.toString());
        checkClean(ours);
        Peers.ok("qemu-img", "compare", "-q", theirs.toString(), ours.toString());
        assertEquals(Peers.ok("qemu-img", "info", theirs.toString()).stdout().replace("/theirs/", "/ours/").lines()
                .filter(l -> l.contains("backing")).toList(), Peers.ok("qemu-img", "info", ours.toString()).stdout()
                .lines().filter(l -> l.contains("backing")).toList());

        assertEquals(0, CliRun.of("rebase", "-b", "", ours.toString()).exitCode());
        checkClean(ours);
        Peers.ok("qemu-img", "compare", "-q", theirs.toString(), ours.toString());
        assertTrue(!Peers.ok("qemu-img", "info", ours.toString()).stdout().contains("backing file"));
    }

    @Test
    void aBackingFileThatGrewIsRefused() throws Exception {
        Path overlay = chain("grown");
        Path base = overlay.resolveSibling("base.qcow2");
        Peers.ok("qemu-img", "resize", "-q", base.toString(), "32M");
        byte[] before = Files.readAllBytes(overlay);
        for (String[] args : new String[][] {{"commit", overlay.toString()},
                {"rebase", "-b", "other.raw", "-F", "raw", overlay.toString()}}) {
            CliRun run = CliRun.of(args);
            assertEquals(1, run.exitCode(), String.join(" ", args));
            assertTrue(run.err().contains("changed since the overlay was made"), run.err());
        }
        assertArrayEquals(before, Files.readAllBytes(overlay));
    }

    private static long ownBytes(Path image) throws Exception {
        long own = 0;
        for (JsonNode e : QemuJson.mapper().readTree(
                Peers.ok("qemu-img", "map", "--output=json", image.toString()).stdout())) {
            own += e.get("depth").asInt() == 0 && e.get("present").asBoolean() ? e.get("length").asLong() : 0;
        }
        return own;
    }
}
