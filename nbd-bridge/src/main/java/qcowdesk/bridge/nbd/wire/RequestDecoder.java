package qcowdesk.bridge.nbd.wire;

import java.nio.ByteBuffer;

/** Decodes request headers. */
public final class RequestDecoder {

    private RequestDecoder() {
    }

    /** Decodes a full {@link Request#HEADER_SIZE}-byte header; a wrong magic means the stream is lost. */
    public static Request decode(ByteBuffer header) throws ProtocolException {
        int magic = header.getInt();
        if (magic != NbdMagic.REQUEST) {
            throw new ProtocolException(String.format("bad request magic 0x%08x (expected 0x%08x)", magic, NbdMagic.REQUEST));
        }
        int flags = Short.toUnsignedInt(header.getShort());
        int code = Short.toUnsignedInt(header.getShort());
        long handle = header.getLong();
        long offset = header.getLong();
        long length = Integer.toUnsignedLong(header.getInt());
        return new Request(flags, code, handle, offset, length);
    }
}
