package dev.fjord.lb.core;

import java.net.InetAddress;
import java.util.List;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * A {@link RequestHead} that answers every call with another one's answer: the base of the views that change one
 * aspect (header edits, held bytes, the tracking section) and forward the rest, so that a method added to
 * {@link RequestHead} is forwarded in one place. Immutable when the base is.
 */
abstract class ForwardingRequestHead implements RequestHead {
    private final RequestHead base;

    ForwardingRequestHead(RequestHead base) {
        this.base = base;
    }

    /** The request this one forwards to. */
    RequestHead base() {
        return base;
    }

    @Override
    public String method() {
        return base.method();
    }

    @Override
    public String path() {
        return base.path();
    }

    @Override
    public @Nullable String query() {
        return base.query();
    }

    @Override
    public String version() {
        return base.version();
    }

    @Override
    public List<String> headers(String name) {
        return base.headers(name);
    }

    @Override
    public @Nullable String header(String name) {
        return base.header(name);
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        base.forEachHeader(action);
    }

    @Override
    public @Nullable String cookie(String name) {
        return base.cookie(name);
    }

    @Override
    public RequestContent content() {
        return base.content();
    }

    @Override
    public InetAddress clientAddress() {
        return base.clientAddress();
    }

    @Override
    public int clientPort() {
        return base.clientPort();
    }

    @Override
    public int localPort() {
        return base.localPort();
    }

    @Override
    public @Nullable ClientTls tls() {
        return base.tls();
    }

    @Override
    public long acceptedAtMillis() {
        return base.acceptedAtMillis();
    }

    @Override
    public @Nullable InetAddress localAddress() {
        return base.localAddress();
    }

    @Override
    public long requestCounter() {
        return base.requestCounter();
    }

    @Override
    public @Nullable String uniqueId() {
        return base.uniqueId();
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
