package qcowdesk.bridge.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import qcowdesk.bridge.nbd.wire.Errno;
import qcowdesk.bridge.nbd.wire.OptionReplies;
import qcowdesk.bridge.nbd.wire.ProtocolException;
import qcowdesk.bridge.nbd.wire.Request;
import qcowdesk.bridge.nbd.wire.RequestDecoder;
import qcowdesk.bridge.nbd.wire.TransmissionReplies;

/** Byte-exact encodings, checked against the layouts of the protocol document. */
class WireCodecTest {

    @Test
    void requestFieldsAreUnsigned() throws Exception {
        ByteBuffer header = ByteBuffer.wrap(HexFormat.of().parseHex(
                "25609513" + "8001" + "0007" + "0102030405060708" + "fffffffffffffe00" + "ffffffff"));
        Request request = RequestDecoder.decode(header);
        assertEquals(0x8001, request.flags());
        assertEquals(7, request.code());
        assertEquals(0x0102030405060708L, request.handle());
        assertEquals(0xffffffffL, request.length());
        assertEquals(Long.MAX_VALUE, request.end(), "an offset past 2^63 is beyond every export");
    }

    @Test
    void badMagicIsAProtocolError() {
        ByteBuffer header = ByteBuffer.allocate(Request.HEADER_SIZE).putInt(0x12345678).rewind();
        assertThrows(ProtocolException.class, () -> RequestDecoder.decode(header));
    }

    @Test
    void replyLayouts() {
        assertHex("67446698" + "00000016" + "000000000000002a", TransmissionReplies.simple(42, Errno.EINVAL));
        assertHex("668e33ef" + "0001" + "0002" + "000000000000002a" + "0000000c" + "0000000000010000" + "00001000",
                TransmissionReplies.offsetHole(42, true, 65536, 4096));
        assertHex("668e33ef" + "0001" + "0000" + "000000000000002a" + "00000000", TransmissionReplies.done(42));
        assertHex("668e33ef" + "0001" + "8001" + "0000000000000001" + "00000008" + "0000005f" + "0002" + "6869",
                TransmissionReplies.error(1, Errno.ENOTSUP, "hi"));
        assertHex("0003e889045565a9" + "00000007" + "00000003" + "0000000e" + "0003" + "00000200" + "00010000"
                + "02000000", OptionReplies.infoBlockSize(7, 512, 65536, 32 << 20));
        assertHex("0000000001000000" + "0103", OptionReplies.exportNameReply(1 << 24, 0x103, true));
        assertEquals(134, OptionReplies.exportNameReply(1, 1, false).remaining(), "124 zeros without NO_ZEROES");
    }

    private static void assertHex(String expected, ByteBuffer actual) {
        byte[] bytes = new byte[actual.remaining()];
        actual.duplicate().get(bytes);
        assertArrayEquals(HexFormat.of().parseHex(expected), bytes, HexFormat.of().formatHex(bytes));
    }
}
