package qcowdesk.bridge.holders;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Names the processes behind a device's NBD client connections: for a Unix socket the peer process (our
 * socket's inode, its peer's inode from {@code ss -xn}, the process holding that inode from {@code /proc/PID/fd}),
 * for TCP the peer's address and port and, when the client runs on this machine, its process.
 */
public final class HolderFinder {

    private HolderFinder() {
    }

    /**
     * @param clients    the device's connections
     * @param routePids  processes that belong to a mount of the device (their connections go away on unmount)
     */
    public static List<Holder> clients(List<ClientSocket> clients, Set<Long> routePids) {
        Set<Long> ours = new HashSet<>();
        clients.stream().filter(c -> !c.tcp() && c.inode() >= 0).forEach(c -> ours.add(c.inode()));
        Map<Long, Long> peers = UnixPeers.of(ours);
        Set<Long> peerInodes = new HashSet<>(peers.values());
        for (ClientSocket client : clients) {
            if (client.tcp()) {
                long inode = TcpPeers.clientInode(client.remote(), client.local());
                if (inode >= 0) {
                    peerInodes.add(inode);
                }
            }
        }
        Map<Long, Long> owners = ProcessTable.owners(peerInodes);
        // one line per peer: a multi-conn client (nbdfuse opens 4) is one holder with several connections
        Map<Holder.Client, Integer> holders = new LinkedHashMap<>();
        for (ClientSocket client : clients) {
            long peerInode = client.tcp() ? TcpPeers.clientInode(client.remote(), client.local())
                    : peers.getOrDefault(client.inode(), -1L);
            Long pid = owners.get(peerInode);
            Optional<PeerProcess> process = pid == null ? Optional.empty() : ProcessTable.describe(pid);
            String peer = client.tcp() ? "TCP from " + client.remote().getAddress().getHostAddress() + ":"
                    + client.remote().getPort() : "Unix socket";
            holders.merge(new Holder.Client(peer, process, pid != null && routePids.contains(pid), 1), 1, Integer::sum);
        }
        List<Holder> grouped = new ArrayList<>();
        holders.forEach((holder, count) -> grouped.add(new Holder.Client(holder.peer(), holder.process(),
                holder.ofMount(), count)));
        return grouped;
    }
}
