package qcowdesk.bridge.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.bridge.nbd.RawNbdClient.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class HandshakeTest extends ProtocolFixture {

    @Test
    void greetingOffersFixedNewstyleAndNoZeroes() throws Exception {
        try (RawNbdClient client = RawNbdClient.connect(socket)) {
            assertEquals(3, client.handshakeFlags());
        }
    }

    @Test
    void unknownOptionsAreRefusedAndTheSessionGoesOn() throws Exception {
        try (RawNbdClient client = RawNbdClient.open(socket)) {
            assertEquals(REP_ERR_UNSUP, single(client.option(OPT_EXTENDED_HEADERS, new byte[0])).type());
            assertEquals(REP_ERR_UNSUP, single(client.option(4242, new byte[] {1, 2, 3})).type());
            assertEquals(REP_ERR_UNSUP, single(client.option(5, new byte[0])).type(), "STARTTLS");
            assertEquals(SIZE, client.go("qcow0").size());
        }
    }

    @Test
    void oversizedOptionIsSkippedAndRefused() throws Exception {
        try (RawNbdClient client = RawNbdClient.open(socket)) {
            int length = 1 << 20;
            client.sendOption(OPT_LIST, new byte[length]);
            assertEquals(REP_ERR_TOO_BIG, single(client.readOptionReplies()).type());
            assertEquals(SIZE, client.go("qcow0").size());
        }
    }

    @Test
    void listNamesEveryUnitWithItsFileName() throws Exception {
        try (RawNbdClient client = RawNbdClient.open(socket)) {
            List<OptionReply> replies = client.option(OPT_LIST, new byte[0]);
            assertEquals(REP_ACK, replies.get(replies.size() - 1).type());
            List<String> names = replies.subList(0, replies.size() - 1).stream().map(reply -> {
                ByteBuffer data = reply.data();
                byte[] name = new byte[data.getInt()];
                data.get(name);
                return new String(name, StandardCharsets.UTF_8) + "=" + StandardCharsets.UTF_8.decode(data);
            }).collect(Collectors.toList());
            assertEquals(List.of("qcow0=images/a.qcow2", "qcow1=b.qcow2", "qcow2=c.qcow2"), names);
            assertEquals(REP_ERR_INVALID, single(client.option(OPT_LIST, new byte[] {0})).type());
        }
    }

    @Test
    void infoAndGoDescribeTheExport() throws Exception {
        try (RawNbdClient client = RawNbdClient.open(socket)) {
            assertEquals(REP_ERR_UNKNOWN, single(client.option(OPT_INFO, infoData("nosuch"))).type());
            assertEquals(REP_ERR_INVALID, single(client.option(OPT_GO, new byte[] {0, 0, 0, 9})).type());
            Export export = client.go("qcow2");
            assertEquals(SIZE, export.size());
            assertEquals(4096, export.minBlock());
            assertEquals(CLUSTER, export.preferredBlock());
            assertEquals(16 << 20, export.maxBlock());
            assertEquals(1, clients("qcow2"));
            assertEquals(0, clients("qcow0"));
        }
    }

    @Test
    void readOnlyExportAdvertisesExactlyWhatItDoes() throws Exception {
        try (RawNbdClient client = RawNbdClient.open(socket)) {
            int flags = client.go("qcow1").flags();
            assertEquals(0, flags & (1 << 5 | 1 << 6 | 1 << 11), "no trim, zero or fast zero");
            assertEquals(1 | 2 | 4 | 8 | 1 << 8 | 1 << 10, flags, "flags, read-only, flush, fua, multi-conn, cache");
        }
        try (RawNbdClient client = RawNbdClient.open(socket)) {
            int flags = client.go("qcow0").flags();
            assertEquals(1 | 4 | 8 | 1 << 5 | 1 << 6 | 1 << 8 | 1 << 10 | 1 << 11, flags, "no DF without structured replies");
        }
    }

    @Test
    void metaContextsNeedStructuredRepliesAndAreListedAndSelected() throws Exception {
        try (RawNbdClient client = RawNbdClient.open(socket)) {
            assertEquals(REP_ERR_INVALID,
                    single(client.option(OPT_SET_META_CONTEXT, metaContextData("qcow0", "base:allocation"))).type());
            client.expectAck(client.option(OPT_STRUCTURED_REPLY, new byte[0]));
            assertEquals(List.of("base:allocation", "qemu:allocation-depth"),
                    contextNames(client.option(OPT_LIST_META_CONTEXT, metaContextData("qcow0"))));
            assertEquals(List.of("qemu:allocation-depth"),
                    contextNames(client.option(OPT_LIST_META_CONTEXT, metaContextData("qcow0", "qemu:"))));
            assertEquals(List.of(), contextNames(client.option(OPT_SET_META_CONTEXT,
                    metaContextData("qcow0", "x-unknown:thing"))));
            assertEquals(REP_ERR_UNKNOWN,
                    single(client.option(OPT_SET_META_CONTEXT, metaContextData("nosuch", "base:allocation"))).type());
            List<OptionReply> set = client.option(OPT_SET_META_CONTEXT, metaContextData("qcow0", "base:allocation"));
            assertEquals(List.of("base:allocation"), contextNames(set));
            assertEquals(1, set.get(0).data().getInt(0), "context id");
        }
    }

    @Test
    void exportNameEntersTransmissionWithoutZeroPadding() throws Exception {
        try (RawNbdClient client = RawNbdClient.open(socket)) {
            client.sendOption(OPT_EXPORT_NAME, "qcow0".getBytes(StandardCharsets.UTF_8));
            ByteBuffer reply = RawNbdClient.readExactly(client.channel(), 10);
            assertEquals(SIZE, reply.getLong());
            client.request(0, CMD_FLUSH, 7, 0, 0);
            Reply flush = client.readReply(0);
            assertEquals(7, flush.handle());
            assertEquals(0, flush.error());
        }
    }

    @Test
    void exportNameOfAnUnknownExportEndsTheSession() throws Exception {
        try (RawNbdClient client = RawNbdClient.open(socket)) {
            client.sendOption(OPT_EXPORT_NAME, "nosuch".getBytes(StandardCharsets.UTF_8));
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void abortIsAcknowledged() throws Exception {
        try (RawNbdClient client = RawNbdClient.open(socket)) {
            assertEquals(REP_ACK, single(client.option(OPT_ABORT, new byte[0])).type());
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void unknownClientFlagsAreRefused() throws Exception {
        try (RawNbdClient client = RawNbdClient.connect(socket)) {
            client.sendRaw(ByteBuffer.allocate(4).putInt(0x100).flip());
            assertTrue(client.closedByServer());
        }
    }

    private static OptionReply single(List<OptionReply> replies) {
        assertEquals(1, replies.size(), "replies: " + replies);
        return replies.get(0);
    }

    private static List<String> contextNames(List<OptionReply> replies) {
        assertEquals(REP_ACK, replies.get(replies.size() - 1).type());
        return replies.stream().filter(reply -> reply.type() == REP_META_CONTEXT).map(reply -> {
            ByteBuffer data = reply.data().duplicate();
            data.getInt();
            return StandardCharsets.UTF_8.decode(data).toString();
        }).collect(Collectors.toList());
    }
}
