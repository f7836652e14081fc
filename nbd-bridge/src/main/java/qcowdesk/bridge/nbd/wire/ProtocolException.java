package qcowdesk.bridge.nbd.wire;

import java.io.IOException;

/** The peer broke the protocol in a way that leaves no safe way to continue: the connection must be closed. */
public class ProtocolException extends IOException {

    public ProtocolException(String message) {
        super(message);
    }
}
