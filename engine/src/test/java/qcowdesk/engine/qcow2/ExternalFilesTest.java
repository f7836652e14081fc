package qcowdesk.engine.qcow2;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;
import qcowdesk.testkit.Qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Images are untrusted: the files they name besides themselves (backing file, external data file) are opened only
 * when they sit in the image's own directory, have a recorded format and (data file) the image's size, unless the
 * caller allows external files explicitly.
 */
class ExternalFilesTest {

    @TempDir
    Path dir;

    private Path downloads() throws IOException {
        return Files.createDirectories(dir.resolve("home/Downloads"));
    }

    private static EngineException refused(Path image, OpenOptions options) {
        EngineException e = assertThrows(EngineException.class, () -> Qcow2Image.open(image, options).close());
        assertEquals(ErrorCode.EXTERNAL_FILE, e.code(), e.getMessage());
        return e;
    }

    @Test
    void dataFileOutsideTheImageDirectoryIsRefusedAndLeftUntouched() throws IOException {
        Path bashrc = dir.resolve("home/.bashrc");
        Files.createDirectories(bashrc.getParent());
        byte[] before = "alias ls='ls --color'\n".getBytes(StandardCharsets.UTF_8);
        Files.write(bashrc, before);
        FileTime mtime = FileTime.fromMillis(1_000_000_000L);
        Files.setLastModifiedTime(bashrc, mtime);
        Path image = CraftedImages.withDataFile(downloads().resolve("vm.qcow2"), "../.bashrc");

        EngineException e = refused(image, OpenOptions.readWrite());
        assertTrue(e.getMessage().contains(bashrc.toRealPath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        refused(image, OpenOptions.readOnly());

        assertArrayEquals(before, Files.readAllBytes(bashrc));
        assertEquals(mtime, Files.getLastModifiedTime(bashrc));
    }

    @Test
    void dataFileWhoseSizeDoesNotFitTheImageIsRefused() throws IOException {
        Path image = CraftedImages.withDataFile(downloads().resolve("vm.qcow2"), "notes.txt");
        Files.writeString(image.resolveSibling("notes.txt"), "my notes\n");
        EngineException e = refused(image, OpenOptions.readWrite());
        assertTrue(e.getMessage().contains("notes.txt") && e.getMessage().contains("size"), e.getMessage());
    }

    @Test
    void ownDataFileBesideTheImageOpens() throws IOException {
        Path image = downloads().resolve("vm.qcow2");
        CraftedImages.withDataFile(image, "vm.qcow2.data");
        try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.readWrite())) {
            img.write(0, ByteBuffer.wrap(new byte[4096]));
        }
    }

    @Test
    void absoluteBackingFileWithoutFormatIsRefused() throws IOException {
        Path shadow = Files.writeString(dir.resolve("shadow"), "root:$6$secret:19000:0:99999:7:::\n");
        Path image = CraftedImages.withUnformattedBacking(downloads().resolve("vm.qcow2"), shadow.toString());
        EngineException e = refused(image, OpenOptions.readOnly());
        assertTrue(e.getMessage().contains(shadow.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("outside") && e.getMessage().contains("format"), e.getMessage());
    }

    @Test
    void relativeBackingFileClimbingOutIsRefused() throws IOException {
        Files.writeString(dir.resolve("shadow"), "secret\n");
        Path image = CraftedImages.withUnformattedBacking(downloads().resolve("vm.qcow2"), "../../../../../../../"
                + dir.toString().substring(1) + "/shadow");
        refused(image, OpenOptions.readOnly());
    }

    @Test
    void symlinkBesideTheImagePointingOutIsRefused() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.raw"), "x".repeat(4096));
        Files.createSymbolicLink(downloads().resolve("base.raw"), secret);
        Path image = downloads().resolve("vm.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.raw", "-F", "raw", image.toString(), "1M");
        EngineException e = refused(image, OpenOptions.readOnly());
        assertTrue(e.getMessage().contains(secret.toString()), e.getMessage());
    }

    @Test
    void backingFileBesideTheImageWithoutFormatIsRefused() throws IOException {
        Files.writeString(downloads().resolve("base.img"), "x".repeat(4096));
        Path image = CraftedImages.withUnformattedBacking(downloads().resolve("vm.qcow2"), "base.img");
        EngineException e = refused(image, OpenOptions.readOnly());
        assertTrue(e.getMessage().contains("format"), e.getMessage());
    }

    @Test
    void consentOpensWhatWasRefused() throws IOException {
        Path shadow = Files.writeString(dir.resolve("shadow"), "secret\n");
        Path image = CraftedImages.withUnformattedBacking(downloads().resolve("vm.qcow2"), shadow.toString());
        try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.readOnly().withExternalFilesAllowed(true))) {
            ByteBuffer b = ByteBuffer.allocate(7);
            img.read(0, b);
            assertEquals("secret\n", new String(b.array(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void backingFileInASubdirectoryWithAFormatOpens() throws IOException {
        Path base = Files.createDirectories(downloads().resolve("bases")).resolve("base.qcow2");
        Qemu.create(base, "", 1 << 20);
        Path image = downloads().resolve("vm.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "bases/base.qcow2", "-F", "qcow2",
                image.toString(), "1M");
        Qcow2Image.open(image, OpenOptions.readWrite()).close();
    }

    @Test
    void chainListsEveryFileWithItsConcerns() throws IOException {
        Path shadow = Files.writeString(dir.resolve("shadow"), "secret\n");
        Path base = downloads().resolve("base.qcow2");
        CraftedImages.withUnformattedBacking(base, shadow.toString());
        Path image = downloads().resolve("vm.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", "-u",
                image.toString(), "1M");
        List<ChainFile> chain = ImageChain.describe(image);
        assertEquals(3, chain.size(), chain.toString());
        assertEquals(ChainFile.Role.IMAGE, chain.get(0).role());
        assertEquals(base.toRealPath(), chain.get(1).path());
        assertTrue(chain.get(1).concerns().isEmpty(), chain.toString());
        assertEquals(ChainFile.Role.BACKING, chain.get(2).role());
        assertEquals(shadow, chain.get(2).path());
        assertEquals(2, chain.get(2).concerns().size(), chain.toString());
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = downloads().resolve("pipe.qcow2");
        Peers.ok("mkfifo", fifo.toString());
        EngineException e = assertThrows(EngineException.class, () -> Qcow2Image.open(fifo, OpenOptions.readOnly()));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoAsBackingFileIsRefusedWithoutBlocking() throws Exception {
        Peers.ok("mkfifo", downloads().resolve("base.raw").toString());
        Path image = downloads().resolve("vm.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.raw", "-F", "raw", "-u",
                image.toString(), "1M");
        EngineException e = assertThrows(EngineException.class,
                () -> Qcow2Image.open(image, OpenOptions.readOnly().withExternalFilesAllowed(true)));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }
}
