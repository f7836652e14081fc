package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;

import qcowdesk.bridge.nbd.tls.TlsChannel;
import qcowdesk.bridge.nbd.tls.TlsCredentials;

import qcowdesk.bridge.nbd.wire.ChannelIO;
import qcowdesk.bridge.nbd.wire.HandshakeFlags;
import qcowdesk.bridge.nbd.wire.NbdMagic;
import qcowdesk.bridge.nbd.wire.OptionReplies;
import qcowdesk.bridge.nbd.wire.OptionReplyType;
import qcowdesk.bridge.nbd.wire.OptionRequest;
import qcowdesk.bridge.nbd.wire.OptionType;
import qcowdesk.bridge.nbd.wire.ProtocolException;
import qcowdesk.bridge.nbd.wire.StringLimits;
import qcowdesk.engine.device.DeviceDirectory;

/**
 * The fixed-newstyle handshake, server side: greeting, client flags, then option haggling until the client
 * chooses an export (GO or EXPORT_NAME) or aborts. Option data is bounded: oversized options are skipped
 * without buffering them and refused with NBD_REP_ERR_TOO_BIG.
 *
 * <p>With TLS credentials the server is TLS-only: until NBD_OPT_STARTTLS has upgraded the connection, every
 * other option is refused with NBD_REP_ERR_TLS_REQD (NBD_OPT_EXPORT_NAME, which has no error reply, closes it),
 * so nothing about the exports leaks in plaintext.
 */
final class Handshake {

    private static final int OPTION_HEADER_SIZE = 16;

    private final SocketChannel raw;
    private final TlsCredentials tls;
    private ByteChannel channel;
    private boolean encrypted;
    private final HandshakeState state = new HandshakeState();
    private final OptionReplySink sink;
    private final ExportOptions exports;
    private final MetaContextOptions metaContexts;
    private boolean noZeroes;

    /** A handshake on {@code raw}; {@code tls} null for a plaintext server. */
    Handshake(SocketChannel raw, TlsCredentials tls, DeviceDirectory devices, LeaseFactory leases) {
        this.raw = raw;
        this.tls = tls;
        this.channel = raw;
        this.sink = new OptionReplySink(raw);
        this.exports = new ExportOptions(devices, leases, state, sink);
        this.metaContexts = new MetaContextOptions(devices, state, sink);
    }

    /** The channel the transmission phase talks on: the TLS channel once STARTTLS succeeded, else the socket. */
    <C extends ByteChannel & GatheringByteChannel> C channel() {
        @SuppressWarnings("unchecked")
        C c = (C) channel;
        return c;
    }

    /** Runs the handshake; empty when the client aborted it with NBD_OPT_ABORT. */
    Optional<Negotiated> run() throws IOException {
        greet();
        readClientFlags();
        while (true) {
            OptionRequest option = readOption();
            if (option == null) {
                continue;
            }
            OptionType type = option.type();
            if (type == null) {
                unsupported(option, "unknown option " + option.code());
                continue;
            }
            if (tls != null && !encrypted && type != OptionType.STARTTLS && type != OptionType.ABORT) {
                if (type == OptionType.EXPORT_NAME) {
                    throw new ProtocolException("NBD_OPT_EXPORT_NAME before NBD_OPT_STARTTLS on a TLS-only server");
                }
                sink.add(OptionReplies.error(option.code(), OptionReplyType.ERR_TLS_REQD,
                        "this server requires TLS: send NBD_OPT_STARTTLS first")).flush();
                continue;
            }
            switch (type) {
                case EXPORT_NAME:
                    return Optional.of(exports.exportName(option, noZeroes));
                case ABORT:
                    sendQuietly(OptionReplies.ack(option.code()));
                    return Optional.empty();
                case LIST:
                    exports.list(option);
                    break;
                case INFO:
                    exports.infoOrGo(option, false);
                    break;
                case GO:
                    Optional<Negotiated> negotiated = exports.infoOrGo(option, true);
                    if (negotiated.isPresent()) {
                        return negotiated;
                    }
                    break;
                case STRUCTURED_REPLY:
                    structuredReply(option);
                    break;
                case LIST_META_CONTEXT:
                    metaContexts.handle(option, false);
                    break;
                case SET_META_CONTEXT:
                    metaContexts.handle(option, true);
                    break;
                case STARTTLS:
                    startTls(option);
                    break;
                default:
                    // EXTENDED_HEADERS, PEEK_EXPORT.
                    unsupported(option, "option " + type + " is not supported by this server");
                    break;
            }
        }
    }

    private void greet() throws IOException {
        ByteBuffer greeting = ByteBuffer.allocate(18).putLong(NbdMagic.INIT_PASSWD).putLong(NbdMagic.IHAVEOPT)
                .putShort((short) HandshakeFlags.SERVER).flip();
        sink.add(greeting).flush();
    }

    private void readClientFlags() throws IOException {
        int flags = ChannelIO.readBytes(channel, 4).getInt();
        if ((flags & ~HandshakeFlags.CLIENT_KNOWN) != 0) {
            throw new ProtocolException(String.format("client sent unknown handshake flags 0x%08x", flags));
        }
        noZeroes = (flags & HandshakeFlags.CLIENT_NO_ZEROES) != 0;
    }

    /** Reads the next option; null when it was oversized and has already been skipped and refused. */
    private OptionRequest readOption() throws IOException {
        ByteBuffer header = ChannelIO.readBytes(channel, OPTION_HEADER_SIZE);
        long magic = header.getLong();
        if (magic != NbdMagic.IHAVEOPT) {
            throw new ProtocolException(String.format("bad option magic 0x%016x", magic));
        }
        int code = header.getInt();
        long length = Integer.toUnsignedLong(header.getInt());
        if (length > StringLimits.MAX_OPTION_DATA) {
            if (code == OptionType.EXPORT_NAME.code()) {
                throw new ProtocolException("NBD_OPT_EXPORT_NAME with " + length + " bytes of data");
            }
            // Skipping keeps the stream in sync without buffering; the handshake timeout bounds how long.
            ChannelIO.skip(channel, length);
            sink.add(OptionReplies.error(code, OptionReplyType.ERR_TOO_BIG, "option data of " + length
                    + " bytes exceeds the limit of " + StringLimits.MAX_OPTION_DATA)).flush();
            return null;
        }
        return new OptionRequest(code, ChannelIO.readBytes(channel, (int) length));
    }

    private void structuredReply(OptionRequest option) throws IOException {
        if (option.hasRemaining()) {
            sink.add(OptionReplies.error(option.code(), OptionReplyType.ERR_INVALID,
                    "NBD_OPT_STRUCTURED_REPLY takes no data"));
        } else {
            state.enableStructuredReplies();
            sink.add(OptionReplies.ack(option.code()));
        }
        sink.flush();
    }

    /** Acknowledges NBD_OPT_STARTTLS and runs the TLS handshake; the haggling goes on encrypted. */
    private void startTls(OptionRequest option) throws IOException {
        if (tls == null) {
            unsupported(option, "this server was started without TLS credentials");
            return;
        }
        if (encrypted || option.hasRemaining()) {
            sink.add(OptionReplies.error(option.code(), OptionReplyType.ERR_INVALID, encrypted
                    ? "TLS is already on" : "NBD_OPT_STARTTLS takes no data")).flush();
            return;
        }
        sink.add(OptionReplies.ack(option.code())).flush();
        TlsChannel secure = TlsChannel.accept(raw, tls);
        channel = secure;
        encrypted = true;
        sink.switchTo(secure);
    }

    private void unsupported(OptionRequest option, String message) throws IOException {
        sink.add(OptionReplies.error(option.code(), OptionReplyType.ERR_UNSUP, message)).flush();
    }

    /** The client may drop the connection right after NBD_OPT_ABORT without reading our ACK. */
    private void sendQuietly(ByteBuffer reply) {
        try {
            sink.add(reply).flush();
        } catch (IOException ignored) {
            // nothing to tell a client that already left
        }
    }
}
