package qcowdesk.bridge.owner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.holders.ClientSocket;
import qcowdesk.engine.device.DeviceDirectory;

/** The data path of a device host: what serves the attached devices to NBD clients. */
public interface ExportServer extends AutoCloseable {

    /** The URI under which NBD clients reach {@code unit}, e.g. {@code nbd+unix:///qcow0?socket=/run/.../nbd.sock}. */
    String uriFor(String unit);

    /** The Unix socket clients on this machine connect to, if the server has one. */
    default Optional<Path> unixSocket() {
        return Optional.empty();
    }

    /**
     * Listens on a new file at {@link #unixSocket()}'s path after the old one was removed from under the server;
     * servers without a Unix socket have nothing to do.
     */
    default void rebindUnixSocket() throws IOException {
    }

    /** The client connections that hold {@code unit}, for saying who keeps it busy. */
    default List<ClientSocket> clients(String unit) {
        return List.of();
    }

    /** Stops listening; the device table has already disconnected the clients. */
    @Override
    void close() throws IOException;

    /** Starts the export server of a host over its devices. */
    @FunctionalInterface
    interface Factory {
        ExportServer start(DeviceDirectory devices, RuntimeDirectory runtime) throws IOException;
    }
}
