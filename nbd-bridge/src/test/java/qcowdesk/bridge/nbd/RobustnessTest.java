package qcowdesk.bridge.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.bridge.nbd.RawNbdClient.*;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Malformed and hostile traffic ends only the offending connection; the server keeps serving. */
class RobustnessTest extends ProtocolFixture {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @Test
    void badRequestMagicClosesOnlyThatConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (RawNbdClient good = RawNbdClient.openExport(socket, "qcow0", true);
                 RawNbdClient bad = RawNbdClient.openExport(socket, "qcow0", true)) {
                bad.sendRaw(ByteBuffer.allocate(28).putInt(0xdeadbeef).rewind());
                assertTrue(bad.closedByServer());
                assertServes(good);
            }
            assertServesNewClient();
        });
    }

    @Test
    void aClientThatStopsReadingStallsOnlyItself() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (RawNbdClient stuck = RawNbdClient.openExport(socket, "qcow0", false)) {
                for (int i = 0; i < 64; i++) {
                    stuck.request(0, CMD_READ, i, 0, 1 << 20);
                }
                Thread.sleep(300);
                for (int i = 0; i < 3; i++) {
                    assertServesNewClient();
                }
            }
        });
    }

    @Test
    void clientsBeyondTheConnectionLimitAreTurnedAway() {
        assertTimeoutPreemptively(LIMIT, () -> {
            java.nio.file.Path small = dir.resolve("small.sock");
            try (NbdServer limited = NbdServer.start(table, NbdServer.Config.defaults().withUnixSocket(small)
                    .withMaxConnections(2))) {
                try (RawNbdClient first = RawNbdClient.openExport(small, "qcow0", true);
                     RawNbdClient second = RawNbdClient.openExport(small, "qcow0", true)) {
                    try (java.nio.channels.SocketChannel third = java.nio.channels.SocketChannel.open(
                            java.net.UnixDomainSocketAddress.of(small))) {
                        assertEquals(-1, third.read(ByteBuffer.allocate(18)), "closed without a greeting");
                    }
                    assertServes(first);
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (limited.connectionCount() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                try (RawNbdClient again = RawNbdClient.openExport(small, "qcow0", true)) {
                    assertServes(again);
                }
            }
        });
    }

    @Test
    void hugeLengthsAreRefusedWithoutAllocating() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", false)) {
                for (int i = 0; i < 50; i++) {
                    TransmissionTest.assertError(client, EINVAL, 0, CMD_READ, 0, 0xffffffffL);
                }
                // A WRITE whose payload cannot be accepted cannot be skipped sensibly: refused, then closed.
                client.request(0, CMD_WRITE, 5, 0, 0xfffffe00L);
                assertEquals(EINVAL, client.readReply(0).error());
                assertTrue(client.closedByServer());
            }
            assertServesNewClient();
        });
    }

    @Test
    void truncatedWriteThenDisconnectReleasesTheDevice() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", false)) {
                client.request(0, CMD_WRITE, 1, 0, 65536);
                client.sendRaw(ByteBuffer.wrap(new byte[1000]));
            }
            awaitClients("qcow0", 0);
            assertServesNewClient();
            try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", false)) {
                client.sendRaw(ByteBuffer.allocate(10).putInt(0x25609513).rewind());
            }
            awaitClients("qcow0", 0);
            assertServesNewClient();
        });
    }

    /** Found by NbdFuzzTest: the skipped payload of a refused WRITE cut short kept an in-flight slot forever. */
    @Test
    void refusedWriteCutShortReleasesTheDevice() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", false)) {
                client.request(0, CMD_WRITE, 1, 100, 65536); // misaligned: refused, its payload skipped
                client.sendRaw(ByteBuffer.wrap(new byte[1000]));
            }
            awaitClients("qcow0", 0);
            assertServesNewClient();
        });
    }

    @Test
    void rapidConnectDisconnectCycles() {
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int i = 0; i < 100; i++) {
                if (i % 2 == 0) {
                    RawNbdClient.connect(socket).close();
                } else {
                    RawNbdClient.openExport(socket, "qcow0", i % 3 == 0).close();
                }
            }
            awaitClients("qcow0", 0);
            assertServesNewClient();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (server.connectionCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, server.connectionCount());
        });
    }

    @Test
    void stalledHandshakeIsDroppedAfterTheTimeout() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (RawNbdClient stalled = RawNbdClient.connect(socket);
                 RawNbdClient halfway = RawNbdClient.open(socket)) {
                halfway.sendOptionHeader(OPT_LIST, 100);
                long start = System.nanoTime();
                assertTrue(stalled.closedByServer());
                assertTrue(halfway.closedByServer());
                long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                assertTrue(elapsedMs >= 1000 && elapsedMs < 5000, "dropped after " + elapsedMs + " ms");
            }
            assertServesNewClient();
        });
    }

    @Test
    void forcedCloseLetsRequestsInFlightFinish() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", false)) {
                for (int i = 0; i < 20; i++) {
                    client.write(i, (long) i * 65536, TransmissionTest.random(65536, i));
                }
                assertEquals(0, client.readReply(0).error());
                table.detach("qcow0", true);
                int answered = 1;
                while (true) {
                    try {
                        assertEquals(0, client.readReply(0).error(), "every reply sent is a complete success");
                        answered++;
                    } catch (java.io.IOException closed) {
                        // end of stream, or a reset because requests we stopped reading were still queued
                        break;
                    }
                }
                assertTrue(answered <= 20, "no reply to a request never sent: " + answered);
            }
            try (RawNbdClient client = RawNbdClient.open(socket)) {
                assertEquals(REP_ERR_UNKNOWN, client.option(OPT_GO, infoData("qcow0")).get(0).type());
                client.go("qcow2");
            }
        });
    }

    @Test
    void closeRemovesTheSocketFileAndDisconnectsClients() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", false)) {
                assertEquals(1, clients("qcow0"));
                server.close();
                assertTrue(client.closedByServer());
                assertFalse(Files.exists(socket));
                awaitClients("qcow0", 0);
            }
        });
    }

    @Test
    void aSecondServerOnALiveSocketIsRefusedButAStaleSocketIsReplaced() throws Exception {
        assertTrue(Files.exists(socket));
        try {
            NbdServer.start(table, NbdServer.Config.defaults().withUnixSocket(socket)).close();
            throw new AssertionError("two servers on one socket");
        } catch (qcowdesk.engine.EngineException expected) {
            assertTrue(expected.getMessage().contains("already listening"), expected.getMessage());
        }
        java.nio.channels.ServerSocketChannel stale = java.nio.channels.ServerSocketChannel
                .open(java.net.StandardProtocolFamily.UNIX).bind(java.net.UnixDomainSocketAddress.of(dir.resolve("old.sock")));
        stale.close();
        try (NbdServer second = NbdServer.start(table, NbdServer.Config.defaults().withUnixSocket(dir.resolve("old.sock")))) {
            try (RawNbdClient client = RawNbdClient.openExport(second.unixSocket().orElseThrow(), "qcow0", true)) {
                assertServes(client);
            }
        }
    }

    private void assertServesNewClient() throws Exception {
        try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", true)) {
            assertServes(client);
        }
    }

    private static void assertServes(RawNbdClient client) throws Exception {
        byte[] data = TransmissionTest.random(4096, 99);
        client.write(1, 8192, data);
        assertEquals(0, client.readReply(0).errorCode());
        client.request(4, CMD_READ, 2, 8192, 4096);
        ByteBuffer payload = client.readReply(0).payload();
        payload.getLong();
        assertArrayEquals(data, TransmissionTest.bytes(payload));
    }
}
