package dev.fjord.lb.netty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.ClientTls;
import dev.fjord.lb.core.RequestHead;

import io.netty.handler.codec.http.HttpRequest;

/** A Netty {@link HttpRequest} seen as lb-core's {@link RequestHead}. Immutable once made (the request is not). */
final class NettyRequestHead implements RequestHead {
    private final HttpRequest request;
    private final String path;
    private final @Nullable String query;
    private final InetSocketAddress client;
    private final @Nullable InetAddress localAddress;
    private final int localPort;
    private final @Nullable ClientTls tls;
    private final long acceptedAtMillis;
    private final long counter;

    NettyRequestHead(HttpRequest request, InetSocketAddress client, int localPort) {
        this(request, client, null, localPort, null, -1, -1);
    }

    /** A request of connection {@code client}, recorded by {@code record}. */
    NettyRequestHead(HttpRequest request, ClientFacts client, ExchangeRecord record) {
        this(
                request,
                client.source(),
                client.destination().getAddress(),
                client.localPort(),
                client.tls(),
                record.acceptedAtMillis(),
                record.counter());
    }

    /**
     * {@code tls}: the connection's handshake, null on a plain one; {@code acceptedAtMillis}: when the request was
     * accepted ({@code %Ts}), -1 unknown; {@code counter}: the process's requests before it ({@code %rt}), -1 unknown.
     */
    private NettyRequestHead(
            HttpRequest request,
            InetSocketAddress client,
            @Nullable InetAddress localAddress,
            int localPort,
            @Nullable ClientTls tls,
            long acceptedAtMillis,
            long counter) {
        this.localAddress = localAddress;
        this.counter = counter;
        this.acceptedAtMillis = acceptedAtMillis;
        this.request = request;
        String uri = request.uri();
        int start = 0;
        if (!uri.startsWith("/") && !uri.equals("*")) {
            // absolute-form: the path starts after the authority
            int scheme = uri.indexOf("://");
            int slash = scheme < 0 ? -1 : uri.indexOf('/', scheme + 3);
            start = slash < 0 ? uri.length() : slash;
        }
        int q = uri.indexOf('?', start);
        String rawPath = q < 0 ? uri.substring(start) : uri.substring(start, q);
        this.path = rawPath.isEmpty() ? "/" : rawPath;
        this.query = q < 0 ? null : uri.substring(q + 1);
        this.client = client;
        this.localPort = localPort;
        this.tls = tls;
    }

    InetSocketAddress clientSocket() {
        return client;
    }

    HttpRequest request() {
        return request;
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public @Nullable String query() {
        return query;
    }

    @Override
    public String version() {
        return request.protocolVersion().text();
    }

    @Override
    public List<String> headers(String name) {
        return request.headers().getAll(name);
    }

    @Override
    public @Nullable String header(String name) {
        return request.headers().get(name);
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        for (Map.Entry<String, String> header : request.headers()) {
            action.accept(header.getKey(), header.getValue());
        }
    }

    @Override
    public InetAddress clientAddress() {
        return client.getAddress();
    }

    @Override
    public int clientPort() {
        return client.getPort();
    }

    @Override
    public int localPort() {
        return localPort;
    }

    @Override
    public long acceptedAtMillis() {
        return acceptedAtMillis;
    }

    @Override
    public @Nullable InetAddress localAddress() {
        return localAddress;
    }

    @Override
    public long requestCounter() {
        return counter;
    }

    @Override
    public @Nullable ClientTls tls() {
        return tls;
    }

    @Override
    public String toString() {
        return request.method() + " " + request.uri() + ' ' + request.protocolVersion() + " from " + client;
    }
}
