package dev.fjord.lb.vrrp;

/** A VRRP packet that is malformed or must be discarded (RFC 5798 section 6.4.2), with the reason. */
public final class VrrpException extends Exception {
    private static final long serialVersionUID = 1L;

    public VrrpException(String reason) {
        super(reason);
    }
}
