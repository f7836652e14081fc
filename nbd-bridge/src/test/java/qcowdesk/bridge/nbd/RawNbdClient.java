package qcowdesk.bridge.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.bridge.nbd.wire.NbdMagic;

/**
 * A deliberately low-level NBD client for protocol tests: it sends exactly the bytes a test asks for,
 * including malformed ones, and decodes what comes back.
 */
final class RawNbdClient implements AutoCloseable {

    static final int OPT_EXPORT_NAME = 1;
    static final int OPT_ABORT = 2;
    static final int OPT_LIST = 3;
    static final int OPT_INFO = 6;
    static final int OPT_GO = 7;
    static final int OPT_STRUCTURED_REPLY = 8;
    static final int OPT_LIST_META_CONTEXT = 9;
    static final int OPT_SET_META_CONTEXT = 10;
    static final int OPT_EXTENDED_HEADERS = 11;
    static final int REP_ACK = 1;
    static final int REP_INFO = 3;
    static final int REP_META_CONTEXT = 4;
    static final int REP_ERR_UNSUP = 0x80000001;
    static final int REP_ERR_INVALID = 0x80000003;
    static final int REP_ERR_UNKNOWN = 0x80000006;
    static final int REP_ERR_TOO_BIG = 0x80000009;

    static final int CMD_READ = 0;
    static final int CMD_WRITE = 1;
    static final int CMD_DISC = 2;
    static final int CMD_FLUSH = 3;
    static final int CMD_TRIM = 4;
    static final int CMD_CACHE = 5;
    static final int CMD_WRITE_ZEROES = 6;
    static final int CMD_BLOCK_STATUS = 7;

    static final int EPERM = 1;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int ENOTSUP = 95;

    /** One option reply. */
    record OptionReply(int option, int type, ByteBuffer data) {
    }

    /** What GO told us. */
    record Export(long size, int flags, int minBlock, int preferredBlock, int maxBlock) {
    }

    /** A simple reply or one structured chunk. */
    record Reply(boolean structured, int error, long handle, int chunkFlags, int chunkType, ByteBuffer payload) {
        boolean done() {
            return !structured || (chunkFlags & 1) != 0;
        }

        /** The error of an error chunk or a simple reply (0 for success). */
        int errorCode() {
            if (!structured) {
                return error;
            }
            return (chunkType & 0x8000) != 0 ? payload.getInt(0) : 0;
        }
    }

    private final SocketChannel channel;
    private final int handshakeFlags;

    private RawNbdClient(SocketChannel channel, int handshakeFlags) {
        this.channel = channel;
        this.handshakeFlags = handshakeFlags;
    }

    /** Connects and reads the greeting, without answering it. */
    static RawNbdClient connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        ByteBuffer greeting = readExactly(channel, 18);
        if (greeting.getLong() != NbdMagic.INIT_PASSWD || greeting.getLong() != NbdMagic.IHAVEOPT) {
            throw new IOException("not an NBD newstyle server");
        }
        return new RawNbdClient(channel, Short.toUnsignedInt(greeting.getShort()));
    }

    /** Connects and completes the fixed-newstyle greeting with NO_ZEROES. */
    static RawNbdClient open(Path socket) throws IOException {
        RawNbdClient client = connect(socket);
        client.sendRaw(ByteBuffer.allocate(4).putInt(3).flip());
        return client;
    }

    /** open + optional structured replies + optional meta contexts + GO. */
    static RawNbdClient openExport(Path socket, String export, boolean structured, String... contexts) throws IOException {
        RawNbdClient client = open(socket);
        if (structured) {
            client.expectAck(client.option(OPT_STRUCTURED_REPLY, new byte[0]));
        }
        if (contexts.length > 0) {
            client.expectAck(client.option(OPT_SET_META_CONTEXT, metaContextData(export, contexts)));
        }
        client.go(export);
        return client;
    }

    int handshakeFlags() {
        return handshakeFlags;
    }

    SocketChannel channel() {
        return channel;
    }

    void sendRaw(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    void sendOption(int option, byte[] data) throws IOException {
        sendOptionHeader(option, data.length);
        sendRaw(ByteBuffer.wrap(data));
    }

    void sendOptionHeader(int option, long length) throws IOException {
        sendRaw(ByteBuffer.allocate(16).putLong(NbdMagic.IHAVEOPT).putInt(option).putInt((int) length).flip());
    }

    /** Sends an option and collects replies up to the final one (ACK or error). */
    List<OptionReply> option(int option, byte[] data) throws IOException {
        sendOption(option, data);
        return readOptionReplies();
    }

    List<OptionReply> readOptionReplies() throws IOException {
        List<OptionReply> replies = new ArrayList<>();
        while (true) {
            ByteBuffer header = readExactly(channel, 20);
            if (header.getLong() != NbdMagic.OPTION_REPLY) {
                throw new IOException("bad option reply magic");
            }
            OptionReply reply = new OptionReply(header.getInt(), header.getInt(), readExactly(channel, header.getInt()));
            replies.add(reply);
            if (reply.type() == REP_ACK || reply.type() < 0) {
                return replies;
            }
        }
    }

    void expectAck(List<OptionReply> replies) throws IOException {
        OptionReply last = replies.get(replies.size() - 1);
        if (last.type() != REP_ACK) {
            throw new IOException("option " + last.option() + " failed: " + Integer.toHexString(last.type()) + " "
                    + StandardCharsets.UTF_8.decode(last.data().duplicate()));
        }
    }

    Export go(String export) throws IOException {
        List<OptionReply> replies = option(OPT_GO, infoData(export, 3));
        expectAck(replies);
        long size = -1;
        int flags = 0;
        int min = 1;
        int preferred = 4096;
        int max = 0;
        for (OptionReply reply : replies) {
            if (reply.type() == REP_INFO) {
                ByteBuffer data = reply.data();
                int type = Short.toUnsignedInt(data.getShort());
                if (type == 0) {
                    size = data.getLong();
                    flags = Short.toUnsignedInt(data.getShort());
                } else if (type == 3) {
                    min = data.getInt();
                    preferred = data.getInt();
                    max = data.getInt();
                }
            }
        }
        return new Export(size, flags, min, preferred, max);
    }

    void request(int flags, int type, long handle, long offset, long length) throws IOException {
        sendRaw(header(flags, type, handle, offset, length));
    }

    void write(long handle, long offset, byte[] data) throws IOException {
        sendRaw(header(0, CMD_WRITE, handle, offset, data.length));
        sendRaw(ByteBuffer.wrap(data));
    }

    static ByteBuffer header(int flags, int type, long handle, long offset, long length) {
        return ByteBuffer.allocate(28).putInt(NbdMagic.REQUEST).putShort((short) flags).putShort((short) type)
                .putLong(handle).putLong(offset).putInt((int) length).flip();
    }

    /** Reads one reply; {@code simpleReadLength} is the data length that follows a successful simple READ reply. */
    Reply readReply(int simpleReadLength) throws IOException {
        ByteBuffer magic = readExactly(channel, 4);
        int value = magic.getInt();
        if (value == NbdMagic.SIMPLE_REPLY) {
            ByteBuffer rest = readExactly(channel, 12);
            int error = rest.getInt();
            long handle = rest.getLong();
            ByteBuffer data = error == 0 && simpleReadLength > 0 ? readExactly(channel, simpleReadLength)
                    : ByteBuffer.allocate(0);
            return new Reply(false, error, handle, 0, 0, data);
        }
        if (value == NbdMagic.STRUCTURED_REPLY) {
            ByteBuffer rest = readExactly(channel, 16);
            int flags = Short.toUnsignedInt(rest.getShort());
            int type = Short.toUnsignedInt(rest.getShort());
            long handle = rest.getLong();
            int length = rest.getInt();
            return new Reply(true, 0, handle, flags, type, readExactly(channel, length));
        }
        throw new IOException(String.format("bad reply magic 0x%08x", value));
    }

    /** Reads chunks until the DONE one (for structured sessions) or one simple reply. */
    List<Reply> readFullReply(int simpleReadLength) throws IOException {
        List<Reply> replies = new ArrayList<>();
        Reply reply;
        do {
            reply = readReply(simpleReadLength);
            replies.add(reply);
        } while (!reply.done());
        return replies;
    }

    /** True when the server has closed the connection (reads end of stream within the time limit). */
    boolean closedByServer() throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        try {
            return channel.read(one) < 0;
        } catch (IOException reset) {
            return true;
        }
    }

    static byte[] infoData(String export, int... infos) {
        byte[] name = export.getBytes(StandardCharsets.UTF_8);
        ByteBuffer data = ByteBuffer.allocate(4 + name.length + 2 + 2 * infos.length);
        data.putInt(name.length).put(name).putShort((short) infos.length);
        for (int info : infos) {
            data.putShort((short) info);
        }
        return data.array();
    }

    static byte[] metaContextData(String export, String... queries) {
        byte[] name = export.getBytes(StandardCharsets.UTF_8);
        int length = 4 + name.length + 4;
        for (String query : queries) {
            length += 4 + query.getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer data = ByteBuffer.allocate(length).putInt(name.length).put(name).putInt(queries.length);
        for (String query : queries) {
            byte[] bytes = query.getBytes(StandardCharsets.UTF_8);
            data.putInt(bytes.length).put(bytes);
        }
        return data.array();
    }

    static ByteBuffer readExactly(SocketChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("server closed the connection");
            }
        }
        return buffer.flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
