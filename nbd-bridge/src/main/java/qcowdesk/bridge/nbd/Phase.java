package qcowdesk.bridge.nbd;

/** Where a connection is in its life. */
enum Phase {
    /** Greeting and option haggling; bounded by the handshake timeout. */
    HANDSHAKE,
    /** Serving requests for the chosen export. */
    TRANSMISSION,
    /** No longer reading requests; answering those in flight. */
    DRAINING,
    /** Socket closed, lease released. */
    CLOSED
}
