package qcowdesk.bridge.control;

import java.nio.file.Path;

import qcowdesk.bridge.host.DeviceHost;

/** A device host in a process of its own, for tests of a second owner and of an owner killed outright. */
public final class OwnerProcess {

    private OwnerProcess() {
    }

    /** Args: runtime directory. Prints "ready" once serving; shuts down cleanly when stdin closes. */
    public static void main(String[] args) throws Exception {
        try (DeviceHost host = DeviceHost.start(TestHosts.options(Path.of(args[0]), "test owner process"))) {
            System.out.println("ready " + host.owner().pid());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        }
    }
}
