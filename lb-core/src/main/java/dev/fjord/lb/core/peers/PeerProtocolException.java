package dev.fjord.lb.core.peers;

/** Bytes that do not follow HAProxy's peers protocol: the message says what was read and what was expected. */
public final class PeerProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PeerProtocolException(String message) {
        super(message);
    }
}
