package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import qcowdesk.bridge.holders.ClientSocket;
import qcowdesk.bridge.holders.SocketInodes;
import qcowdesk.bridge.nbd.wire.ProtocolException;
import qcowdesk.engine.support.Log;
import qcowdesk.engine.support.PeerLog;

/**
 * One client connection, from accept to close, on its own thread: handshake (dropped if it takes longer than
 * the configured timeout), then transmission while it holds a lease on the device, then close.
 */
final class Connection implements Runnable {

    private static final PeerLog LOG = Log.of(Connection.class).peer();

    private final SocketChannel channel;
    private final ServerContext context;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.HANDSHAKE);
    private volatile Transmission transmission;
    private Handshake handshake;
    private volatile boolean stopRequested;
    /** The device this connection holds once its handshake chose one. */
    private volatile String unit;

    Connection(SocketChannel channel, ServerContext context) {
        this.channel = channel;
        this.context = context;
    }

    @Override
    public void run() {
        Optional<Negotiated> negotiated = Optional.empty();
        try {
            negotiated = handshake();
            if (negotiated.isPresent()) {
                transmit(negotiated.get());
            }
        } catch (ProtocolException e) {
            LOG.warn(() -> "closing NBD connection during handshake: " + e.getMessage());
        } catch (IOException e) {
            LOG.debug(() -> "NBD handshake ended: " + e);
        } finally {
            phase.set(Phase.CLOSED);
            closeChannel();
            negotiated.ifPresent(session -> session.lease().close());
        }
    }

    /**
     * Stops the connection: during the handshake it is simply closed; in transmission it stops reading and
     * closes once the requests in flight are answered. Called on server shutdown and by a forced detach.
     */
    void stop() {
        stopRequested = true;
        Transmission current = transmission;
        if (current != null) {
            current.stop();
        } else if (phase.get() == Phase.HANDSHAKE) {
            closeChannel();
        }
    }

    private Optional<Negotiated> handshake() throws IOException {
        ScheduledFuture<?> timeout = context.timers().schedule(this::handshakeExpired,
                context.config().handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            handshake = new Handshake(channel, context.config().tls(), context.devices(),
                    device -> device.connect(this::stop));
            return handshake.run();
        } finally {
            timeout.cancel(false);
        }
    }

    /** The unit this connection holds, null during the handshake. */
    String unit() {
        return unit;
    }

    /** Our end of the connection, as the busy report describes it. */
    ClientSocket describe() {
        java.net.SocketAddress remote;
        java.net.SocketAddress local;
        try {
            remote = channel.getRemoteAddress();
            local = channel.getLocalAddress();
        } catch (IOException e) {
            remote = null;
            local = null;
        }
        if (remote instanceof InetSocketAddress tcpPeer && local instanceof InetSocketAddress tcpLocal) {
            return new ClientSocket(unit, -1, tcpPeer, tcpLocal);
        }
        return new ClientSocket(unit, SocketInodes.of(channel), null, null);
    }

    private void transmit(Negotiated session) {
        unit = session.device().unit();
        if (!phase.compareAndSet(Phase.HANDSHAKE, Phase.TRANSMISSION)) {
            return; // the handshake timer fired as the handshake ended: the socket is already closed
        }
        Transmission current = new Transmission(channel, handshake.channel(), session, context.workers(), context.pool(),
                context.config().maxRequestsInFlight());
        transmission = current;
        if (stopRequested) {
            current.stop();
        }
        ScheduledFuture<?> idleCheck = watchIdle(current);
        try {
            current.run();
        } finally {
            if (idleCheck != null) {
                idleCheck.cancel(false);
            }
        }
    }

    /** Disconnects the client once it has sent nothing for the configured idle timeout (if there is one). */
    private ScheduledFuture<?> watchIdle(Transmission current) {
        long timeout = context.config().idleTimeout().toNanos();
        if (timeout == 0) {
            return null;
        }
        long period = Math.max(50, Math.min(1000, context.config().idleTimeout().toMillis() / 4));
        return context.timers().scheduleWithFixedDelay(() -> {
            if (current.idleFor(timeout)) {
                LOG.info(() -> "disconnecting an NBD client idle for " + context.config().idleTimeout());
                current.stop();
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    private void handshakeExpired() {
        if (phase.compareAndSet(Phase.HANDSHAKE, Phase.CLOSED)) {
            LOG.info(() -> "dropping an NBD client that did not finish its handshake within "
                    + context.config().handshakeTimeout());
            closeChannel();
        }
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }
}
