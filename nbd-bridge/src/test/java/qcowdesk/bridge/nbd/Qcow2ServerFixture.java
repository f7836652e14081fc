package qcowdesk.bridge.nbd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceTable;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.Peers;

/** The real thing: QCOW2 images made by qemu-img, attached in a device table, served by an NbdServer. */
abstract class Qcow2ServerFixture {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    DeviceTable table;
    NbdServer server;

    @BeforeEach
    void startServer() throws Exception {
        table = new DeviceTable((path, readOnly) -> Qcow2Image.open(path,
                readOnly ? OpenOptions.readOnly() : OpenOptions.readWrite()));
        server = NbdServer.start(table, NbdServer.Config.defaults().withUnixSocket(dir.resolve("nbd.sock")));
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
        table.close();
    }

    /** Creates a qcow2 image with qemu-img (extra options such as "-o", "cluster_size=4096" go first). */
    Path createImage(String name, String size, String... options) {
        Path image = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", "qcow2"));
        command.addAll(List.of(options));
        command.addAll(List.of(image.toString(), size));
        Peers.ok(command.toArray(String[]::new));
        return image;
    }

    /** Runs qemu-io commands directly on an image file (not attached). */
    void qemuIo(Path image, String format, String... commands) {
        List<String> command = new ArrayList<>(List.of("qemu-io", "-f", format));
        for (String c : commands) {
            command.add("-c");
            command.add(c);
        }
        command.add(image.toString());
        Peers.Result result = Peers.ok(command.toArray(String[]::new));
        assertNoQemuIoFailure(result);
    }

    /** Runs qemu-io commands on an NBD URI, as a raw disk. */
    Peers.Result qemuIoNbd(String uri, String... commands) {
        List<String> command = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
        for (String c : commands) {
            command.add("-c");
            command.add(c);
        }
        command.add(uri);
        return Peers.run(command.toArray(String[]::new));
    }

    /** qemu-io exits 0 even when a command fails; its messages tell. */
    static void assertNoQemuIoFailure(Peers.Result result) {
        String all = result.stdout() + result.stderr();
        if (all.contains("failed") || all.contains("Pattern verification") || all.contains("error")) {
            throw new AssertionError("qemu-io reported a failure: " + result);
        }
    }

    String attach(Path image, boolean readOnly, int secBits) throws Exception {
        return table.attach(new AttachRequest(image.toString(), readOnly, secBits, null)).unit();
    }

    /**
     * Detaches once the last client is gone. A client that exits has only closed its socket: the server
     * notices and releases the lease a moment later, so an immediate detach could still find it busy.
     */
    void detachWhenIdle(String unit) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        while (table.info(unit).clients() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        table.detach(unit, false);
    }

    String uri(String unit) {
        return server.uriFor(unit);
    }

    static JsonNode json(Peers.Result result) throws Exception {
        return JSON.readTree(result.assertOk().stdout());
    }
}
