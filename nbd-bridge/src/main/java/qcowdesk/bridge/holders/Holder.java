package qcowdesk.bridge.holders;

import java.nio.file.Path;
import java.util.Optional;

/** Something that keeps a device busy: an NBD client connection, or a mounted filesystem of its partitions. */
public sealed interface Holder {

    /** One line for the user. */
    String describe();

    /**
     * An NBD client connection.
     *
     * @param peer    {@code unix socket} or the TCP peer {@code address:port}
     * @param process the process at the other end, where it can be found
     * @param ofMount whether the process is part of a mount route of the device (nbdfuse), so that unmounting
     *                releases it
     * @param connections how many connections this same peer has open (multi-conn clients open several)
     */
    record Client(String peer, Optional<PeerProcess> process, boolean ofMount, int connections) implements Holder {
        @Override
        public String describe() {
            String who = process.map(PeerProcess::describe).orElse("process unknown");
            return "NBD client (" + peer + (connections > 1 ? ", " + connections + " connections" : "") + ", "
                    + who + ")" + (ofMount ? ", part of a mount" : "");
        }
    }

    /** A filesystem of the device's partitions mounted on this machine. */
    record Mount(Path mountPoint, String device, String fsType) implements Holder {
        @Override
        public String describe() {
            return "mounted: " + device + " (" + fsType + ") on " + mountPoint;
        }
    }
}
