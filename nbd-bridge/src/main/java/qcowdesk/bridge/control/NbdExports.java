package qcowdesk.bridge.control;

import java.io.IOException;
import java.util.function.UnaryOperator;

import qcowdesk.bridge.nbd.NbdServer;

/** The embedded NBD server as a device host's export server. */
public final class NbdExports {

    private NbdExports() {
    }

    /** Serves on the runtime directory's {@code nbd.sock}, with the server's defaults otherwise. */
    public static ExportServer.Factory unixSocket() {
        return configured(UnaryOperator.identity());
    }

    /**
     * Serves on the runtime directory's {@code nbd.sock}, with {@code customize} applied to the configuration
     * (e.g. {@code config -> config.withTcpPort(10809)} to listen on TCP too).
     */
    public static ExportServer.Factory configured(UnaryOperator<NbdServer.Config> customize) {
        return (devices, runtime) -> {
            NbdServer server = NbdServer.start(devices,
                    customize.apply(NbdServer.Config.defaults().withUnixSocket(runtime.nbdSocket())));
            return new ExportServer() {
                @Override
                public String uriFor(String unit) {
                    return server.uriFor(unit);
                }

                @Override
                public void close() throws IOException {
                    server.close();
                }
            };
        };
    }
}
