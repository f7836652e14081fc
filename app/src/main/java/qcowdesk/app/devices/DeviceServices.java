package qcowdesk.app.devices;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.bridge.control.NoOwnerException;
import qcowdesk.bridge.host.DeviceHost;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import qcowdesk.engine.support.Log;

import java.io.IOException;
import java.util.Optional;

/**
 * Chooses how the app reaches the device table. One process per user owns it: when a {@code qcowctl daemon}
 * already does, the app becomes its client; otherwise the app starts its own owner (engine, NBD server and
 * control socket), which {@code qcowctl} then talks to.
 */
public final class DeviceServices {

    static final String OWNER_DESCRIPTION = "QcowDesk app";
    private static final Log LOG = Log.of(DeviceServices.class);

    private DeviceServices() {
    }

    /** Never fails: when neither works, the returned service says why on every operation. */
    public static DeviceService open(RuntimeDirectory runtime) {
        return open(runtime, Optional.empty());
    }

    /**
     * As {@link #open(RuntimeDirectory)}, but when no owner runs and {@code background} is given (the preference
     * to keep devices running after quitting), starts that background owner and connects to it instead of owning
     * the devices in this process; if it cannot start, the app owns them and the status bar says so.
     */
    public static DeviceService open(RuntimeDirectory runtime, Optional<BackgroundOwner> background) {
        try {
            if (background.isPresent()) {
                try {
                    return connect(runtime);
                } catch (NoOwnerException noOwner) {
                    try {
                        background.get().start(runtime);
                        return connect(runtime);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("starting the background owner: " + e.getMessage());
                    }
                }
            }
            return connectOrOwn(runtime);
        } catch (IOException | RuntimeException e) {
            return new UnavailableDeviceService(runtime.nbdSocket(), e.getMessage());
        }
    }

    private static DeviceService connectOrOwn(RuntimeDirectory runtime) throws IOException {
        try {
            return connect(runtime);
        } catch (NoOwnerException noOwner) {
            try {
                runtime.ensureExists();
                DeviceHost host = DeviceHost.start(ownerOptions(runtime, OWNER_DESCRIPTION));
                return new EmbeddedDeviceService(host, runtime);
            } catch (EngineException e) {
                if (e.code() != ErrorCode.IN_USE) {
                    throw e;
                }
                // another owner started between our look and our start: use it
                return connect(runtime);
            }
        }
    }

    /** QCOW2 images through the engine, exported by the NBD server on the runtime directory's nbd.sock. */
    static DeviceHost.Options ownerOptions(RuntimeDirectory runtime, String description) {
        return DeviceHost.Options.defaults(description).withRuntime(runtime);
    }

    private static DeviceService connect(RuntimeDirectory runtime) throws IOException {
        ControlClient client = ControlClient.connect(runtime);
        try {
            return new RemoteDeviceService(client, client.hello());
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }
}
