package qcowdesk.bridge.holders;

import java.net.InetSocketAddress;

/**
 * One NBD client connection of a device, as the export server sees it.
 *
 * @param unit   the device it holds
 * @param inode  the inode of our end of the socket (what {@code /proc/net/unix} and {@code ss} name it by), or -1
 *               when it cannot be read
 * @param remote the peer's address for TCP, null for a Unix socket
 * @param local  our address for TCP, null for a Unix socket
 */
public record ClientSocket(String unit, long inode, InetSocketAddress remote, InetSocketAddress local) {

    public boolean tcp() {
        return remote != null;
    }
}
