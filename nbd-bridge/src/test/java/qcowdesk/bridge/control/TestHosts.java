package qcowdesk.bridge.control;

import java.nio.file.Path;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.host.DeviceHost;
import qcowdesk.testkit.Peers;

/** Device hosts for tests: the real thing (QCOW2 images, NBD server), in a runtime directory of the test's own. */
final class TestHosts {

    private TestHosts() {
    }

    /** A fresh QCOW2 image made by qemu-img. */
    static Path qcow2(Path file, long size) {
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", file.toString(), Long.toString(size));
        return file;
    }

    static DeviceHost.Options options(Path runtime, String description) {
        return DeviceHost.Options.defaults(description).withRuntime(new RuntimeDirectory(runtime));
    }
}
