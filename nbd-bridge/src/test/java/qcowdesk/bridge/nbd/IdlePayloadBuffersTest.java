package qcowdesk.bridge.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import qcowdesk.testkit.Peers;

/**
 * A server does not keep the payload buffers of a finished job: after nbdcopy's four connections of 256 KiB
 * reads, the buffers they left cached are freed within a few seconds, so a later job of small requests does
 * not carry them in the server's resident memory.
 */
class IdlePayloadBuffersTest extends Qcow2ServerFixture {

    @Test
    void buffersCachedByAFinishedCopyAreFreedWithinSeconds() throws Exception {
        Path image = createImage("a.qcow2", "32M");
        qemuIo(image, "qcow2", "write -P 0x5a 0 32M");
        String unit = attach(image, true, 0);
        Peers.ok("nbdcopy", "--connections=4", uri(unit), "null:");
        // the server frees what stayed unused for a whole second, checked every second: two ticks at most
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (server.pool().bytesCached() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, server.pool().bytesCached(), "payload buffers still cached seconds after the copy");
        assertEquals(0, server.pool().bytesInUse());
    }
}
