package qcowdesk.app.devices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import qcowdesk.testkit.Peers;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Real NBD clients for the device tests: nbdinfo for what an export looks like, qemu-io to hold one open. */
final class NbdClients {

    private NbdClients() {
    }

    /** The export as nbdinfo sees it (the first export of its --json output). */
    static JsonNode describe(String uri) throws IOException {
        JsonNode info = new ObjectMapper().readTree(Peers.ok("nbdinfo", "--json", uri).stdout());
        return info.path("exports").get(0);
    }

    /**
     * A qemu-io process connected to the export and idle, waiting for commands on stdin: a client that stays
     * connected until {@link Held#close()}.
     */
    static Held hold(String uri) throws IOException {
        Peers.require("qemu-io");
        Process process = new ProcessBuilder("qemu-io", "-r", "-f", "raw", uri)
                .redirectErrorStream(true).start();
        return new Held(process);
    }

    record Held(Process process) implements AutoCloseable {
        boolean alive() {
            return process.isAlive();
        }

        @Override
        public void close() throws InterruptedException {
            Peers.stop(process);
        }
    }
}
