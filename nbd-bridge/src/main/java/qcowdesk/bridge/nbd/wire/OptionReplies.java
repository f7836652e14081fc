package qcowdesk.bridge.nbd.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Encodes option replies: a 20-byte header followed by the reply data, in one buffer ready to write. */
public final class OptionReplies {

    /** Magic (64), option (32), reply type (32), data length (32). */
    private static final int HEADER_SIZE = 20;
    /** NBD_REP_SERVER data before the name: name length (32). */
    private static final int SERVER_PREFIX = 4;
    /** Every NBD_REP_INFO starts with its information type (16). */
    private static final int INFO_TYPE_SIZE = 2;
    /** NBD_INFO_EXPORT: type (16), export size (64), transmission flags (16). */
    private static final int INFO_EXPORT_SIZE = INFO_TYPE_SIZE + 8 + 2;
    /** NBD_INFO_BLOCK_SIZE: type (16), minimum, preferred, maximum (32 each). */
    private static final int INFO_BLOCK_SIZE_SIZE = INFO_TYPE_SIZE + 3 * 4;
    /** NBD_REP_META_CONTEXT data before the name: context id (32). */
    private static final int META_CONTEXT_PREFIX = 4;
    /** NBD_OPT_EXPORT_NAME's reply: export size (64), transmission flags (16)... */
    private static final int EXPORT_NAME_REPLY_SIZE = 8 + 2;
    /** ...then zeros, unless the client asked for NO_ZEROES. */
    private static final int EXPORT_NAME_REPLY_ZEROES = 124;

    private OptionReplies() {
    }

    public static ByteBuffer reply(int option, OptionReplyType type, ByteBuffer data) {
        ByteBuffer out = ByteBuffer.allocate(HEADER_SIZE + data.remaining());
        out.putLong(NbdMagic.OPTION_REPLY).putInt(option).putInt(type.code()).putInt(data.remaining());
        return out.put(data).flip();
    }

    public static ByteBuffer ack(int option) {
        return reply(option, OptionReplyType.ACK, ByteBuffer.allocate(0));
    }

    /** An error reply whose data is a message for a human. */
    public static ByteBuffer error(int option, OptionReplyType type, String message) {
        return reply(option, type, ByteBuffer.wrap(truncated(message)));
    }

    /** NBD_REP_SERVER: the export name, then a human-readable description. */
    public static ByteBuffer server(int option, String name, String description) {
        byte[] nameBytes = utf8(name);
        byte[] descriptionBytes = truncated(description);
        ByteBuffer data = ByteBuffer.allocate(SERVER_PREFIX + nameBytes.length + descriptionBytes.length);
        data.putInt(nameBytes.length).put(nameBytes).put(descriptionBytes).flip();
        return reply(option, OptionReplyType.SERVER, data);
    }

    public static ByteBuffer infoExport(int option, long size, int transmissionFlags) {
        ByteBuffer data = ByteBuffer.allocate(INFO_EXPORT_SIZE).putShort((short) InfoType.EXPORT.code()).putLong(size)
                .putShort((short) transmissionFlags).flip();
        return reply(option, OptionReplyType.INFO, data);
    }

    public static ByteBuffer infoString(int option, InfoType type, String text) {
        byte[] bytes = truncated(text);
        ByteBuffer data = ByteBuffer.allocate(INFO_TYPE_SIZE + bytes.length).putShort((short) type.code()).put(bytes).flip();
        return reply(option, OptionReplyType.INFO, data);
    }

    public static ByteBuffer infoBlockSize(int option, int minimum, int preferred, int maximum) {
        ByteBuffer data = ByteBuffer.allocate(INFO_BLOCK_SIZE_SIZE).putShort((short) InfoType.BLOCK_SIZE.code())
                .putInt(minimum).putInt(preferred).putInt(maximum).flip();
        return reply(option, OptionReplyType.INFO, data);
    }

    public static ByteBuffer metaContext(int option, int contextId, String name) {
        byte[] bytes = utf8(name);
        ByteBuffer data = ByteBuffer.allocate(META_CONTEXT_PREFIX + bytes.length).putInt(contextId).put(bytes).flip();
        return reply(option, OptionReplyType.META_CONTEXT, data);
    }

    /** The reply to NBD_OPT_EXPORT_NAME, which has no header: size, flags and (unless NO_ZEROES) 124 zeros. */
    public static ByteBuffer exportNameReply(long size, int transmissionFlags, boolean noZeroes) {
        ByteBuffer out = ByteBuffer.allocate(EXPORT_NAME_REPLY_SIZE + (noZeroes ? 0 : EXPORT_NAME_REPLY_ZEROES));
        out.putLong(size).putShort((short) transmissionFlags);
        return out.position(out.capacity()).flip();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Strings the protocol limits to 4096 bytes (file names can in theory be longer). */
    private static byte[] truncated(String text) {
        byte[] bytes = utf8(text);
        if (bytes.length <= StringLimits.MAX_STRING) {
            return bytes;
        }
        byte[] cut = new byte[StringLimits.MAX_STRING];
        System.arraycopy(bytes, 0, cut, 0, cut.length);
        return cut;
    }
}
