package qcowdesk.bridge.control;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Constants of the control protocol: one JSON object per line each way, every message carrying {@code "v":1}.
 * The full description is in the README ("Control protocol").
 */
final class ControlProtocol {

    /** The protocol version this code speaks; requests with another {@code v} are refused. */
    static final int VERSION = 1;

    /** Longest request line accepted, in bytes; longer lines are answered with an error and skipped. */
    static final int MAX_LINE_BYTES = 64 * 1024;

    /** Shared, thread-safe once configured. */
    static final ObjectMapper JSON = new ObjectMapper();

    private ControlProtocol() {
    }
}
