package qcowdesk.bridge.nbd.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;

import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

import qcowdesk.bridge.nbd.wire.ChannelStreams;
import qcowdesk.bridge.nbd.wire.ProtocolException;

/**
 * An NBD connection after NBD_OPT_STARTTLS: the same blocking byte channel, encrypted. One thread may read while
 * another writes (the transmission phase's reader and reply writer); the TLS library serialises the records.
 */
public final class TlsChannel implements ByteChannel, GatheringByteChannel {

    private static final int MAX_RECORD = 16 * 1024;
    private static final JcaTlsCrypto CRYPTO = new JdkTlsCrypto(new SecureRandom());

    private final SocketChannel raw;
    private final TlsServerProtocol tls;
    private final Object writeLock = new Object();
    private byte[] readScratch = new byte[0];
    private final byte[] writeScratch = new byte[MAX_RECORD];

    private TlsChannel(SocketChannel raw, TlsServerProtocol tls) {
        this.raw = raw;
        this.tls = tls;
    }

    /** Runs the server side of the TLS handshake on {@code raw}; a client that fails it gets a ProtocolException. */
    public static TlsChannel accept(SocketChannel raw, TlsCredentials credentials) throws IOException {
        TlsServerProtocol tls = new TlsServerProtocol(ChannelStreams.in(raw), ChannelStreams.out(raw));
        try {
            tls.accept(new NbdTlsServer(CRYPTO, credentials));
        } catch (IOException e) {
            if (!raw.isOpen()) {
                throw e; // the handshake timeout closed it
            }
            throw new ProtocolException("TLS handshake failed: " + e.getMessage());
        }
        return new TlsChannel(raw, tls);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        int want = Math.min(dst.remaining(), MAX_RECORD);
        if (dst.hasArray()) {
            int n = tls.readApplicationData(dst.array(), dst.arrayOffset() + dst.position(), want);
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        if (readScratch.length < want) {
            readScratch = new byte[want];
        }
        int n = tls.readApplicationData(readScratch, 0, want);
        if (n > 0) {
            dst.put(readScratch, 0, n);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /** Writes every byte of the buffers (a blocking channel never writes less). */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (!raw.isOpen()) {
            throw new ClosedChannelException();
        }
        long total = 0;
        synchronized (writeLock) {
            int filled = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer src = srcs[i];
                while (src.hasRemaining()) {
                    int n = Math.min(src.remaining(), writeScratch.length - filled);
                    src.get(writeScratch, filled, n);
                    filled += n;
                    total += n;
                    if (filled == writeScratch.length) {
                        tls.writeApplicationData(writeScratch, 0, filled);
                        filled = 0;
                    }
                }
            }
            if (filled > 0) {
                tls.writeApplicationData(writeScratch, 0, filled);
            }
        }
        return total;
    }

    @Override
    public boolean isOpen() {
        return raw.isOpen();
    }

    /** Sends close_notify when it can, then closes the socket. */
    @Override
    public void close() throws IOException {
        try {
            tls.close();
        } catch (IOException ignored) {
            // the peer may be gone already
        } finally {
            raw.close();
        }
    }
}
