package qcowdesk.bridge.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceTable;
import qcowdesk.engine.device.DiskOpener;
import qcowdesk.testkit.Peers;

class NbdUrisTest {

    @TempDir
    Path dir;

    @Test
    void tcpHostsArePrintedAsUriHosts() throws Exception {
        assertEquals("nbd://127.0.0.1:10809/qcow0",
                NbdUris.tcp(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 10809), "qcow0"));
        assertEquals("nbd://[::1]:10809/qcow0",
                NbdUris.tcp(new InetSocketAddress(InetAddress.getByName("::1"), 10809), "qcow0"));
        assertEquals("nbd://[::]:1/vm", NbdUris.tcp(new InetSocketAddress(InetAddress.getByName("::"), 1), "vm"));
        assertEquals("[2001:db8::1:0:0:1]", NbdUris.host(InetAddress.getByName("2001:db8:0:0:1:0:0:1")));
        assertEquals("[2001:db8:0:1:1:1:1:1]", NbdUris.host(InetAddress.getByName("2001:db8:0:1:1:1:1:1")));
        assertEquals("[fe80::1%251]", NbdUris.host(InetAddress.getByName("fe80::1%1")));
    }

    @Test
    void aSocketPathThatNeedsEscapingStillReachesTheServer() throws Exception {
        Peers.require("nbdinfo");
        Path odd = Files.createDirectories(dir.resolve("with space & ?#"));
        Path image = dir.resolve("a.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "1M");
        try (DeviceTable table = new DeviceTable(DiskOpener.qcow2());
             NbdServer server = NbdServer.start(table,
                     NbdServer.Config.defaults().withUnixSocket(odd.resolve("nbd.sock")))) {
            table.attach(new AttachRequest(image.toString(), true, 0, null));
            String uri = server.uriFor("qcow0");
            assertEquals(NbdUris.unix(odd.resolve("nbd.sock"), "qcow0"), uri);
            assertEquals("nbd+unix:///qcow0?socket=" + odd.toAbsolutePath().toString()
                    .replace(" ", "%20").replace("&", "%26").replace("?", "%3F").replace("#", "%23") + "/nbd.sock", uri);
            assertEquals("1048576", Peers.ok("nbdinfo", "--size", uri).stdout().trim());
        }
    }
}
