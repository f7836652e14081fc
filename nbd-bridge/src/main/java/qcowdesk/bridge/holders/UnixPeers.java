package qcowdesk.bridge.holders;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The other end of Unix stream sockets. The kernel tells a socket's peer only through the sock_diag netlink
 * interface, which Java cannot speak; {@code ss -xn} (iproute2) does, and prints each connected socket's inode
 * with its peer's inode.
 */
final class UnixPeers {

    private UnixPeers() {
    }

    /** For each of {@code ours}: the inode of its peer socket; empty when ss is missing or fails. */
    static Map<Long, Long> of(Set<Long> ours) {
        Map<Long, Long> peers = new HashMap<>();
        if (ours.isEmpty()) {
            return peers;
        }
        String listing;
        try {
            Process ss = new ProcessBuilder("ss", "-xn").redirectInput(new File("/dev/null"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            listing = new String(ss.getInputStream().readNBytes(16 * 1024 * 1024), StandardCharsets.UTF_8);
            if (!ss.waitFor(10, TimeUnit.SECONDS)) {
                ss.destroyForcibly();
                return peers;
            }
        } catch (IOException e) {
            return peers;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return peers;
        }
        parse(listing, ours, peers);
        return peers;
    }

    /**
     * Lines look like {@code u_str ESTAB 0 0 /run/qcowdesk/nbd.sock 151610 * 151609}; a path may hold spaces, so
     * the inodes are read from the end.
     */
    static void parse(String listing, Set<Long> ours, Map<Long, Long> peers) {
        for (String line : listing.split("\n")) {
            String[] tokens = line.strip().split("\\s+");
            if (tokens.length < 6 || !tokens[0].startsWith("u_")) {
                continue;
            }
            try {
                long local = Long.parseLong(tokens[tokens.length - 3]);
                long peer = Long.parseLong(tokens[tokens.length - 1]);
                if (ours.contains(local) && peer > 0) {
                    peers.put(local, peer);
                }
            } catch (NumberFormatException notASocketLine) {
                // a header or a process column we did not ask for
            }
        }
    }
}
