package qcowdesk.bridge.nbd;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceTable;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sockets bound before the server serves ({@code qcowctl serve} binds, then opens its images): a real client
 * (nbdinfo) that connects in between waits and is served once the server starts; if the server never starts, the
 * client's connection ends and the socket file goes.
 */
class BoundSocketsTest {

    @TempDir
    Path dir;
    private final DeviceTable table = new DeviceTable((path, readOnly) -> Qcow2Image.open(path,
            readOnly ? OpenOptions.readOnly() : OpenOptions.readWrite()));
    private Process client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            Peers.stop(client);
        }
        table.close();
    }

    @Test
    void aClientThatConnectsWhileTheImageOpensIsServedOnceTheServerStarts() throws Exception {
        Path socket = dir.resolve("nbd.sock");
        Path image = dir.resolve("disk.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "3M");
        try (BoundSockets sockets = BoundSockets.bind(NbdServer.Config.defaults().withUnixSocket(socket))) {
            client = nbdinfoSize(socket);
            // with nothing bound, nbdinfo would have failed at once ("No such file or directory")
            assertFalse(client.waitFor(500, TimeUnit.MILLISECONDS), "the client waits for the greeting");

            table.attach(new AttachRequest(image.toString(), true, 0, "qcow0"));
            try (NbdServer server = NbdServer.start(table, sockets)) {
                assertTrue(client.waitFor(30, TimeUnit.SECONDS), "nbdinfo finished");
                assertEquals(0, client.exitValue(), errors(client));
                assertEquals(String.valueOf(3L << 20), output(client));
                assertEquals("nbd+unix:///qcow0?socket=" + socket, server.uriFor("qcow0"));
            }
        }
    }

    @Test
    void socketsClosedBeforeServingEndTheWaitingClientAndRemoveTheSocketFile() throws Exception {
        Path socket = dir.resolve("nbd.sock");
        BoundSockets sockets = BoundSockets.bind(NbdServer.Config.defaults().withUnixSocket(socket));
        client = nbdinfoSize(socket);
        assertFalse(client.waitFor(500, TimeUnit.MILLISECONDS), "the client waits for the greeting");

        sockets.close();
        assertTrue(client.waitFor(30, TimeUnit.SECONDS), "the waiting client's connection ended");
        assertNotEquals(0, client.exitValue());
        assertFalse(Files.exists(socket), "the socket file is removed");
    }

    private static Process nbdinfoSize(Path socket) throws Exception {
        Peers.require("nbdinfo");
        return new ProcessBuilder("nbdinfo", "--size", "nbd+unix:///qcow0?socket=" + socket)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    private static String output(Process process) throws Exception {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    private static String errors(Process process) throws Exception {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
