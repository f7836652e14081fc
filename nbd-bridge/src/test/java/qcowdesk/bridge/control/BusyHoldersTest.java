package qcowdesk.bridge.control;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.bridge.holders.BusyException;
import qcowdesk.bridge.holders.Holder;
import qcowdesk.bridge.host.DeviceHost;
import qcowdesk.bridge.nbd.NbdServer;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A busy device names its holders: a TCP client by its address and port, and by its process on this machine. */
class BusyHoldersTest {

    @TempDir
    Path dir;

    @Test
    void aTcpClientIsNamedByItsAddressPortAndProcess() throws Exception {
        Path runtime = dir.resolve("run");
        AtomicReference<NbdServer> server = new AtomicReference<>();
        DeviceHost.Options options = TestHosts.options(runtime, "test host").withExports((devices, rt) -> {
            server.set(NbdServer.start(devices, NbdServer.Config.defaults().withUnixSocket(rt.ensureExists().nbdSocket())
                    .withTcp(new InetSocketAddress("127.0.0.1", 0))));
            return server.get();
        });
        try (DeviceHost host = DeviceHost.start(options);
             ControlClient client = ControlClient.connect(runtime.resolve("control.sock"))) {
            Path image = TestHosts.qcow2(dir.resolve("t.qcow2"), 4L << 20);
            String unit = client.attach(image.toString(), false, 0, null).unit();
            String uri = server.get().tcpUriFor(unit);
            Peers.require("qemu-io");
            Process qemuIo = new ProcessBuilder("qemu-io", "-f", "raw", uri).redirectErrorStream(true).start();
            try (OutputStream ignored = qemuIo.getOutputStream()) {
                awaitClients(client, 1);
                BusyException busy = assertThrows(BusyException.class, () -> client.detach(unit, false));
                List<Holder> holders = busy.holders();
                assertEquals(1, holders.size(), busy.getMessage());
                Holder.Client holder = (Holder.Client) holders.get(0);
                assertTrue(holder.peer().matches("TCP from 127\\.0\\.0\\.1:\\d+"), holder.peer());
                assertEquals(qemuIo.pid(), holder.process().orElseThrow().pid(), busy.getMessage());
                assertTrue(busy.getMessage().contains("qemu-io -f raw " + uri), busy.getMessage());
                assertEquals(holders, client.holders(unit), "the holders request reports the same");
            } finally {
                Peers.stop(qemuIo);
            }
        }
    }

    private static void awaitClients(ControlClient client, int clients) throws IOException, InterruptedException {
        for (int i = 0; i < 400; i++) {
            if (client.list().get(0).clients() == clients) {
                return;
            }
            Thread.sleep(50);
        }
        fail("the device never had " + clients + " clients");
    }
}
