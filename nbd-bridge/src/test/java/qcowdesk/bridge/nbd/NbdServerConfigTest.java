package qcowdesk.bridge.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Each wither changes its own field and nothing else, and a changed config is checked like a new one. */
class NbdServerConfigTest {

    private final NbdServer.Config base = new NbdServer.Config(Path.of("/run/a.sock"), null, Duration.ofSeconds(10),
            4, 64, 64L << 20, 512, null, Duration.ZERO, 256);

    @Test
    void eachWitherChangesOnlyItsField() {
        InetSocketAddress tcp = new InetSocketAddress(InetAddress.getLoopbackAddress(), 10809);
        assertEquals(new NbdServer.Config(Path.of("/run/b.sock"), null, Duration.ofSeconds(10), 4, 64, 64L << 20, 512,
                null, Duration.ZERO, 256), base.withUnixSocket(Path.of("/run/b.sock")));
        assertEquals(new NbdServer.Config(null, null, Duration.ofSeconds(10), 4, 64, 64L << 20, 512, null,
                Duration.ZERO, 256), base.withoutUnixSocket());
        assertEquals(new NbdServer.Config(Path.of("/run/a.sock"), tcp, Duration.ofSeconds(10), 4, 64, 64L << 20, 512,
                null, Duration.ZERO, 256), base.withTcpPort(10809));
        assertEquals(new NbdServer.Config(Path.of("/run/a.sock"), null, Duration.ofSeconds(3), 4, 64, 64L << 20, 512,
                null, Duration.ZERO, 256), base.withHandshakeTimeout(Duration.ofSeconds(3)));
        assertEquals(new NbdServer.Config(Path.of("/run/a.sock"), null, Duration.ofSeconds(10), 7, 64, 64L << 20, 512,
                null, Duration.ZERO, 256), base.withWorkerThreads(7));
        assertEquals(new NbdServer.Config(Path.of("/run/a.sock"), null, Duration.ofSeconds(10), 4, 9, 64L << 20, 512,
                null, Duration.ZERO, 256), base.withMaxRequestsInFlight(9));
        assertEquals(new NbdServer.Config(Path.of("/run/a.sock"), null, Duration.ofSeconds(10), 4, 64, 96L << 20, 512,
                null, Duration.ZERO, 256), base.withBufferBudget(96L << 20));
        assertEquals(new NbdServer.Config(Path.of("/run/a.sock"), null, Duration.ofSeconds(10), 4, 64, 64L << 20, 33,
                null, Duration.ZERO, 256), base.withMaxConnections(33));
        assertEquals(new NbdServer.Config(Path.of("/run/a.sock"), null, Duration.ofSeconds(10), 4, 64, 64L << 20, 512,
                null, Duration.ofSeconds(5), 256), base.withIdleTimeout(Duration.ofSeconds(5)));
        assertEquals(new NbdServer.Config(Path.of("/run/a.sock"), null, Duration.ofSeconds(10), 4, 64, 64L << 20, 512,
                null, Duration.ZERO, 40), base.withMaxPerPeer(40));
    }

    @Test
    void aChangedConfigIsCheckedAgain() {
        assertThrows(IllegalArgumentException.class, () -> base.withHandshakeTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> base.withMaxPerPeer(0));
        assertThrows(IllegalArgumentException.class, () -> base.withBufferBudget(1024));
    }
}
