package qcowdesk.engine.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attaching untrusted files through the device table: nothing blocks, nothing leaks, nothing outside is opened. */
class UntrustedAttachTest {

    @TempDir
    Path dir;

    private final DeviceTable table = new DeviceTable(DiskOpener.qcow2());

    @AfterEach
    void close() throws EngineException {
        table.close();
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoIsRefusedAtOnceAndLeavesNoUnitBehind() throws IOException {
        Path fifo = dir.resolve("disk.qcow2");
        Peers.ok("mkfifo", fifo.toString());
        EngineException e = assertThrows(EngineException.class,
                () -> table.attach(new AttachRequest(fifo.toString(), true, 0, null)));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());

        Path real = dir.resolve("real.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", real.toString(), "1M");
        assertEquals("qcow0", table.attach(new AttachRequest(real.toString(), true, 0, null)).unit());
    }

    @Test
    void aDataFileOutsideIsRefusedUnlessAllowed() throws IOException {
        Path victim = Files.createDirectories(dir.resolve("home")).resolve(".profile");
        byte[] before = "PATH=$HOME/bin:$PATH\n".getBytes(StandardCharsets.UTF_8);
        Files.write(victim, before);
        Path image = Files.createDirectories(dir.resolve("home/Downloads")).resolve("vm.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "data_file=" + image + ".data",
                image.toString(), "1M");
        Peers.ok("qemu-img", "amend", "-o", "data_file=../.profile", image.toString());

        AttachRequest request = new AttachRequest(image.toString(), false, 0, null);
        EngineException e = assertThrows(EngineException.class, () -> table.attach(request));
        assertEquals(ErrorCode.EXTERNAL_FILE, e.code());
        assertTrue(e.getMessage().contains(victim.toRealPath().toString()), e.getMessage());
        assertTrue(table.list().isEmpty());

        // with consent the image opens read-only (the size rule is part of what was consented to)
        DeviceInfo info = table.attach(new AttachRequest(image.toString(), true, 0, null)
                .withExternalFilesAllowed(true));
        assertEquals("qcow0", info.unit());
        table.detach("qcow0", false);
        assertArrayEquals(before, Files.readAllBytes(victim));
    }
}
