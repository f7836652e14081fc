package qcowdesk.bridge.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.bridge.nbd.RawNbdClient.*;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each test fails after 30 s rather than hang: a reply the server holds back shows up as a client waiting for it. */
@Timeout(30)
class TransmissionTest extends ProtocolFixture {

    @Test
    void writeThenSimpleReadReturnsTheData() throws Exception {
        byte[] data = random(8192, 1);
        try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", false)) {
            client.write(1, 3 * 512, data);
            assertEquals(0, client.readReply(0).error());
            client.request(0, CMD_READ, 2, 3 * 512, data.length);
            Reply reply = client.readReply(data.length);
            assertEquals(2, reply.handle());
            assertArrayEquals(data, bytes(reply.payload()));
        }
    }

    @Test
    void structuredReadSendsHolesForZeroRanges() throws Exception {
        byte[] data = random(CLUSTER, 2);
        try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", true)) {
            client.write(1, CLUSTER, data);
            client.readReply(0);
            client.request(0, CMD_READ, 2, 0, 3 * CLUSTER);
            List<Reply> chunks = client.readFullReply(0);
            assertEquals(3, chunks.size());
            assertEquals(List.of(2, 1, 2), List.of(chunks.get(0).chunkType(), chunks.get(1).chunkType(),
                    chunks.get(2).chunkType()), "hole, data, hole");
            assertEquals(0, chunks.get(0).payload().getLong());
            assertEquals(CLUSTER, chunks.get(0).payload().getInt());
            ByteBuffer dataChunk = chunks.get(1).payload();
            assertEquals(CLUSTER, dataChunk.getLong());
            assertArrayEquals(data, bytes(dataChunk));

            client.request(4 /* DF */, CMD_READ, 3, 0, 3 * CLUSTER);
            List<Reply> whole = client.readFullReply(0);
            assertEquals(1, whole.size());
            assertEquals(1, whole.get(0).chunkType());
            assertEquals(8 + 3 * CLUSTER, whole.get(0).payload().remaining());
        }
    }

    @Test
    void invalidRequestsGetEinvalAndTheConnectionGoesOn() throws Exception {
        try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", false)) {
            assertError(client, EINVAL, 0, CMD_READ, SIZE - 512, 1024);
            assertError(client, EINVAL, 0, CMD_READ, SIZE, 512);
            assertError(client, EINVAL, 0, CMD_READ, 0, 0);
            assertError(client, EINVAL, 0, CMD_READ, 0, 0xffffffffL);
            assertError(client, EINVAL, 0, CMD_READ, -512, 512);
            assertError(client, EINVAL, 0, CMD_READ, 100, 512);
            assertError(client, EINVAL, 0, CMD_READ, 0, 100);
            assertError(client, EINVAL, 0, 42, 0, 512);
            assertError(client, EINVAL, 1 << 7, CMD_READ, 0, 512);
            assertError(client, EINVAL, 0, CMD_BLOCK_STATUS, 0, 512);
            assertError(client, EINVAL, 0, CMD_TRIM, SIZE, 512);
            assertError(client, EINVAL, 0, CMD_READ, 0, (16 << 20) + 512);
            client.write(9, SIZE, new byte[512]);
            assertEquals(EINVAL, client.readReply(0).error());
            client.request(0, CMD_READ, 10, SIZE - 512, 512);
            assertEquals(0, client.readReply(512).error(), "last sector still readable");
        }
    }

    @Test
    void structuredErrorsCarryAMessage() throws Exception {
        try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", true)) {
            client.request(0, CMD_READ, 5, SIZE, 512);
            Reply reply = client.readReply(0);
            assertTrue(reply.done());
            assertEquals(0x8001, reply.chunkType());
            assertEquals(EINVAL, reply.errorCode());
            assertTrue(reply.payload().getShort(4) > 10, "message length");
        }
    }

    @Test
    void readOnlyDeviceRefusesWritesWithEperm() throws Exception {
        try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow1", false)) {
            client.write(1, 0, random(4096, 3));
            assertEquals(EPERM, client.readReply(0).error());
            assertError(client, EPERM, 0, CMD_TRIM, 0, 4096);
            assertError(client, EPERM, 0, CMD_WRITE_ZEROES, 0, 4096);
            client.request(0, CMD_READ, 2, 0, 4096);
            assertArrayEquals(new byte[4096], bytes(client.readReply(4096).payload()));
            assertError(client, 0, 0, CMD_FLUSH, 0, 0);
        }
    }

    @Test
    void bigSectorDeviceRefusesSmallAlignment() throws Exception {
        try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow2", false)) {
            client.write(1, 512, new byte[512]);
            assertEquals(EINVAL, client.readReply(0).error());
            client.write(2, 4096, random(4096, 4));
            assertEquals(0, client.readReply(0).error());
            assertError(client, EINVAL, 0, CMD_READ, 4096, 512);
            assertError(client, EINVAL, 0, CMD_READ, 512, 4096);
            client.request(0, CMD_READ, 3, 4096, 4096);
            assertArrayEquals(random(4096, 4), bytes(client.readReply(4096).payload()));
        }
    }

    @Test
    void writeZeroesTrimFlushAndFua() throws Exception {
        try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", false)) {
            client.write(1, 0, random(4 * CLUSTER, 5));
            client.readReply(0);
            assertError(client, 0, 2 /* NO_HOLE */, CMD_WRITE_ZEROES, 512, 1024);
            assertError(client, ENOTSUP, 1 << 4, CMD_WRITE_ZEROES, 512, 1024);
            assertError(client, 0, 1 << 4, CMD_WRITE_ZEROES, CLUSTER, CLUSTER);
            int before = disks.get("a.qcow2").flushes.get();
            assertError(client, 0, 1 /* FUA */, CMD_TRIM, 2 * CLUSTER, CLUSTER);
            assertEquals(before + 1, disks.get("a.qcow2").flushes.get());
            assertError(client, 0, 0, CMD_CACHE, 0, CLUSTER);
            client.request(0, CMD_READ, 3, 0, 4 * CLUSTER);
            ByteBuffer all = client.readReply(4 * CLUSTER).payload();
            byte[] expected = random(4 * CLUSTER, 5);
            java.util.Arrays.fill(expected, 512, 1536, (byte) 0);
            java.util.Arrays.fill(expected, CLUSTER, 3 * CLUSTER, (byte) 0);
            assertArrayEquals(expected, bytes(all));
        }
    }

    @Test
    void blockStatusReportsBothContextsAndHonoursReqOne() throws Exception {
        try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", true, "base:allocation",
                "qemu:allocation-depth")) {
            client.write(1, CLUSTER, random(2 * CLUSTER, 6));
            client.readReply(0);
            assertError(client, 0, 0, CMD_WRITE_ZEROES, 2 * CLUSTER, CLUSTER);
            client.request(0, CMD_BLOCK_STATUS, 2, 0, 4 * CLUSTER);
            List<Reply> chunks = client.readFullReply(0);
            assertEquals(2, chunks.size());
            // The zeroed cluster keeps no storage: a hole that reads as zeros, like never-written space, but it
            // is allocated in this image (depth 1) where the never-written clusters are absent (0).
            assertEquals(List.of(CLUSTER, 3, CLUSTER, 0, 2 * CLUSTER, 3), extents(chunks.get(0), 1));
            assertEquals(List.of(CLUSTER, 0, 2 * CLUSTER, 1, CLUSTER, 0), extents(chunks.get(1), 2));

            client.request(8 /* REQ_ONE */, CMD_BLOCK_STATUS, 3, CLUSTER, 3 * CLUSTER);
            chunks = client.readFullReply(0);
            assertEquals(List.of(CLUSTER, 0), extents(chunks.get(0), 1));
            assertEquals(List.of(2 * CLUSTER, 1), extents(chunks.get(1), 2));
        }
    }

    @Test
    void manyRequestsInFlightAreAllAnswered() throws Exception {
        int count = 200;
        try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", true)) {
            for (int i = 0; i < count; i++) {
                client.write(i, (long) i * 8192, random(8192, i));
            }
            Set<Long> handles = new HashSet<>();
            for (int i = 0; i < count; i++) {
                Reply reply = client.readReply(0);
                assertEquals(0, reply.error());
                handles.add(reply.handle());
            }
            assertEquals(count, handles.size());
            for (int i = 0; i < count; i++) {
                client.request(4 /* DF */, CMD_READ, 1000 + i, (long) i * 8192, 8192);
            }
            for (int i = 0; i < count; i++) {
                Reply reply = client.readReply(0);
                int index = (int) reply.handle() - 1000;
                ByteBuffer payload = reply.payload();
                assertEquals((long) index * 8192, payload.getLong());
                assertArrayEquals(random(8192, index), bytes(payload));
            }
        }
    }

    /**
     * A run of small writes sent back to back, as a guest's queue sends them, is carried out by the connection's
     * reading thread with replies held and sent in batches: every write gets its own reply, a failed one its error
     * (here the host disk is full at one offset), and a FLUSH and READs sent behind them see all that succeeded.
     * The client reads nothing until it has sent everything, so a reply held while the server waits for more
     * input would hang this test.
     */
    @Test
    void pipelinedSmallWritesEachGetTheirReplyAndAFailedOneItsError() throws Exception {
        int count = 75; // more than two batches of held replies, and a partial one at the end
        int failing = 40;
        disks.get("a.qcow2").failingWriteOffset = (long) failing * 4096;
        for (boolean structured : new boolean[] {false, true}) {
            try (RawNbdClient client = RawNbdClient.openExport(socket, "qcow0", structured)) {
                for (int i = 0; i < count; i++) {
                    client.write(i, (long) i * 4096, random(4096, i));
                }
                Set<Long> succeeded = new HashSet<>();
                for (int i = 0; i < count; i++) {
                    Reply reply = client.readReply(0);
                    if (reply.handle() == failing) {
                        assertEquals(ENOSPC, reply.errorCode(), "the failed write");
                    } else {
                        assertEquals(0, reply.errorCode(), "write " + reply.handle());
                        assertTrue(succeeded.add(reply.handle()), "one reply per write");
                    }
                }
                assertEquals(count - 1, succeeded.size());
                assertError(client, 0, 0, CMD_FLUSH, 0, 0);
                for (int i = 0; i < count; i++) {
                    client.request(0, CMD_READ, 1000 + i, (long) i * 4096, 4096);
                }
                for (int i = 0; i < count; i++) {
                    List<Reply> chunks = client.readFullReply(4096);
                    int index = (int) chunks.get(0).handle() - 1000;
                    byte[] expected = index == failing ? new byte[4096] : random(4096, index);
                    assertArrayEquals(expected, readData(chunks, 4096), "sector run " + index);
                }
            }
        }
    }

    /** The data of a READ's reply: a simple reply's payload, or a structured one's data and hole chunks. */
    private static byte[] readData(List<Reply> chunks, int length) {
        byte[] data = new byte[length];
        for (Reply chunk : chunks) {
            if (!chunk.structured()) {
                return bytes(chunk.payload());
            }
            ByteBuffer payload = chunk.payload();
            if (chunk.chunkType() == 1) { // OFFSET_DATA: offset, data
                long offset = payload.getLong() % length; // reads are aligned to their length
                payload.get(data, (int) offset, payload.remaining());
            }
            // OFFSET_HOLE reads as zeros, as the array starts
        }
        return data;
    }

    static void assertError(RawNbdClient client, int errno, int flags, int type, long offset, long length)
            throws Exception {
        client.request(flags, type, 77, offset, length);
        List<Reply> replies = client.readFullReply(0);
        Reply last = replies.get(replies.size() - 1);
        assertEquals(77, last.handle());
        assertEquals(errno, last.errorCode(), "command " + type + " at " + offset + " length " + length);
    }

    private static List<Integer> extents(Reply chunk, int contextId) {
        ByteBuffer payload = chunk.payload();
        assertEquals(5, chunk.chunkType());
        assertEquals(contextId, payload.getInt());
        List<Integer> values = new java.util.ArrayList<>();
        while (payload.hasRemaining()) {
            values.add(payload.getInt());
        }
        return values;
    }

    static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
