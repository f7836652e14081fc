package qcowdesk.cli.device;

import java.io.IOException;

import qcowdesk.bridge.control.ExportServer;
import qcowdesk.bridge.nbd.NbdServer;
import qcowdesk.engine.device.DeviceDirectory;

/** The daemon's data path: the NBD server over the device table. */
final class NbdExports implements ExportServer {

    private final NbdServer server;

    private NbdExports(NbdServer server) {
        this.server = server;
    }

    static NbdExports start(DeviceDirectory devices, NbdServer.Config config) throws IOException {
        return new NbdExports(NbdServer.start(devices, config));
    }

    @Override
    public String uriFor(String unit) {
        return server.uriFor(unit);
    }

    /** "NBD socket /run/.../nbd.sock, NBD TCP 127.0.0.1:10809" */
    String describeListeners() {
        StringBuilder text = new StringBuilder();
        server.unixSocket().ifPresent(socket -> text.append("NBD socket ").append(socket));
        server.tcpAddress().ifPresent(tcp -> text.append(text.length() > 0 ? ", " : "").append("NBD TCP ")
                .append(tcp.getAddress().getHostAddress()).append(':').append(tcp.getPort()));
        return text.toString();
    }

    @Override
    public void close() {
        server.close();
    }
}
