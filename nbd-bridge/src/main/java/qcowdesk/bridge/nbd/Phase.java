package qcowdesk.bridge.nbd;

/** Where a connection is in its life. */
enum Phase {
    /** Greeting and option haggling; bounded by the handshake timeout. */
    HANDSHAKE,
    /** Serving requests for the chosen export (and, once stopped, answering those in flight). */
    TRANSMISSION,
    /** Socket closed, lease released. */
    CLOSED
}
