package dev.fjord.lb.core;

import java.net.InetAddress;

/** A request whose client address an {@code http-request set-src} rule changed; the rest its base's. Immutable. */
final class SourceRequestHead extends ForwardingRequestHead {
    private final InetAddress client;

    SourceRequestHead(RequestHead base, InetAddress client) {
        super(base);
        this.client = client;
    }

    @Override
    public InetAddress clientAddress() {
        return client;
    }
}
