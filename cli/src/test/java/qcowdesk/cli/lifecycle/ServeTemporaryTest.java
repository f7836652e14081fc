package qcowdesk.cli.lifecycle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.QcowctlProcess;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.cli.lifecycle.LifecycleImages.checkClean;
import static qcowdesk.cli.lifecycle.LifecycleImages.create;
import static qcowdesk.cli.lifecycle.LifecycleImages.io;

/** {@code serve --temporary}: qemu-io writes over NBD land in an overlay; at exit discarded, kept or committed. */
class ServeTemporaryTest {

    @TempDir
    Path dir;

    /** Serves {@code image} with temporary writes, writes through qemu-io, stops with SIGTERM; returns stderr. */
    private String serveAndWrite(Path image, String onExit) throws Exception {
        Path socket = dir.resolve("nbd-" + onExit.replace('=', '-').replace('/', '_') + ".sock");
        try (QcowctlProcess serve = QcowctlProcess.start(dir, dir, "serve", "--socket", socket.toString(),
                "--temporary", "--on-exit", onExit, image.toString())) {
            String uri = serve.nextLine(Duration.ofSeconds(30));
            Peers.ok("qemu-io", "-f", "raw", "-c", "write -P 7 1M 64k", "-c", "write -z 0 64k", uri);
            serve.signal("TERM");
            QcowctlProcess.Result result = serve.awaitExit(Duration.ofSeconds(30));
            assertEquals(0, result.exitCode(), result.stderr());
            return result.stderr();
        }
    }

    private void noOverlayLeft() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains(".temporary-")), "overlay left");
        }
    }

    @Test
    void discardKeepAndCommit() throws Exception {
        Path image = create(dir, "disk.qcow2", "8M");
        io(image, "write -P 1 0 2M");
        Path original = Files.copy(image, dir.resolve("original.qcow2"));
        Path expected = Files.copy(image, dir.resolve("expected.qcow2"));
        io(expected, "write -P 7 1M 64k", "write -z 0 64k");
        byte[] before = Files.readAllBytes(image);

        assertTrue(serveAndWrite(image, "discard").contains("discarded"));
        assertArrayEquals(before, Files.readAllBytes(image), "the image was written");
        noOverlayLeft();

        Path kept = dir.resolve("kept.qcow2");
        assertTrue(serveAndWrite(image, "keep=" + kept).contains("kept in"));
        assertArrayEquals(before, Files.readAllBytes(image), "the image was written");
        checkClean(kept);
        Peers.ok("qemu-img", "compare", "-q", expected.toString(), kept.toString());
        noOverlayLeft();

        assertTrue(serveAndWrite(image, "commit").contains("committed"));
        checkClean(image);
        Peers.ok("qemu-img", "compare", "-q", expected.toString(), image.toString());
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(image)));
        Peers.ok("qemu-img", "compare", "-q", original.toString(), original.toString());
        noOverlayLeft();
    }
}
