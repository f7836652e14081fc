package qcowdesk.bridge.nbd.wire;

/** Flags exchanged right after the greeting: the server's 16-bit handshake flags and the client's 32-bit reply. */
public final class HandshakeFlags {

    public static final int FIXED_NEWSTYLE = 1;
    public static final int NO_ZEROES = 1 << 1;

    /** What this server offers. */
    public static final int SERVER = FIXED_NEWSTYLE | NO_ZEROES;

    public static final int CLIENT_FIXED_NEWSTYLE = 1;
    public static final int CLIENT_NO_ZEROES = 1 << 1;

    /** Client flags we understand; the protocol says to drop a client that sets any other. */
    public static final int CLIENT_KNOWN = CLIENT_FIXED_NEWSTYLE | CLIENT_NO_ZEROES;

    private HandshakeFlags() {
    }
}
