package dev.fjord.lb.core;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.InetAddresses;
import dev.fjord.lb.core.internal.Tokens;

/** The immutable {@link RequestHead} made by {@link RequestHead#builder()}. */
final class SimpleRequestHead implements RequestHead {
    private final String method;
    private final String path;
    private final @Nullable String query;
    private final String version;
    /** Names and values, alternating: {@code [name0, value0, name1, value1, ...]}. */
    private final String[] headers;

    private final InetAddress clientAddress;
    private final int clientPort;
    private final int localPort;
    private final RequestContent content;
    private final @Nullable ClientTls tls;
    private final long acceptedAtMillis;
    private final @Nullable InetAddress localAddress;
    private final long requestCounter;

    private SimpleRequestHead(Builder b) {
        this.method = b.method;
        int q = b.uri.indexOf('?');
        this.path = q < 0 ? b.uri : b.uri.substring(0, q);
        this.query = q < 0 ? null : b.uri.substring(q + 1);
        this.version = b.version;
        this.headers = b.headers.toArray(new String[0]);
        this.clientAddress = b.clientAddress;
        this.clientPort = b.clientPort;
        this.localPort = b.localPort;
        this.content = b.content;
        this.tls = b.tls;
        this.acceptedAtMillis = b.acceptedAtMillis;
        this.localAddress = b.localAddress;
        this.requestCounter = b.requestCounter;
    }

    @Override
    public String method() {
        return method;
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
        return version;
    }

    @Override
    public List<String> headers(String name) {
        List<String> values = null;
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase(name)) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(headers[i + 1]);
            }
        }
        return values == null ? List.of() : values;
    }

    @Override
    public @Nullable String header(String name) {
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase(name)) {
                return headers[i + 1];
            }
        }
        return null;
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        for (int i = 0; i < headers.length; i += 2) {
            action.accept(headers[i], headers[i + 1]);
        }
    }

    @Override
    public InetAddress clientAddress() {
        return clientAddress;
    }

    @Override
    public int clientPort() {
        return clientPort;
    }

    @Override
    public int localPort() {
        return localPort;
    }

    @Override
    public RequestContent content() {
        return content;
    }

    @Override
    public @Nullable ClientTls tls() {
        return tls;
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
        return requestCounter;
    }

    @Override
    public String toString() {
        return method + ' ' + uri() + ' ' + version + " from " + clientAddress.getHostAddress() + ':' + clientPort;
    }

    static final class Builder implements RequestHead.Builder {
        private String method = "GET";
        private String uri = "/";
        private String version = "HTTP/1.1";
        private final List<String> headers = new ArrayList<>();
        private InetAddress clientAddress = InetAddresses.LOOPBACK_V4;
        private int clientPort;
        private int localPort = 80;
        private RequestContent content = RequestContent.NONE;
        private @Nullable ClientTls tls;
        private long acceptedAtMillis = -1;
        private @Nullable InetAddress localAddress;
        private long requestCounter = -1;

        @Override
        public Builder method(String method) {
            this.method = requireToken("method", method);
            return this;
        }

        @Override
        public Builder uri(String uri) {
            Objects.requireNonNull(uri, "uri");
            if (uri.isEmpty() || (uri.charAt(0) != '/' && !uri.equals("*"))) {
                throw new IllegalArgumentException("uri: '" + uri + "' (expected: a path starting with '/', or '*')");
            }
            this.uri = uri;
            return this;
        }

        @Override
        public Builder version(String version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        @Override
        public Builder header(String name, String value) {
            headers.add(requireToken("header name", name));
            headers.add(Objects.requireNonNull(value, "value"));
            return this;
        }

        @Override
        public Builder headers(Map<String, String> headers) {
            headers.forEach(this::header);
            return this;
        }

        @Override
        public Builder client(String address, int port) {
            return client(InetAddresses.parseLiteral(address), port);
        }

        @Override
        public Builder client(InetAddress address, int port) {
            this.clientAddress = Objects.requireNonNull(address, "address");
            this.clientPort = requirePort("client port", port);
            return this;
        }

        @Override
        public Builder localPort(int port) {
            this.localPort = requirePort("local port", port);
            return this;
        }

        @Override
        public Builder content(RequestContent content) {
            this.content = Objects.requireNonNull(content, "content");
            return this;
        }

        @Override
        public Builder acceptedAtMillis(long millis) {
            this.acceptedAtMillis = millis;
            return this;
        }

        @Override
        public Builder localAddress(String address) {
            this.localAddress = InetAddresses.parseLiteral(address);
            return this;
        }

        @Override
        public Builder requestCounter(long counter) {
            this.requestCounter = counter;
            return this;
        }

        @Override
        public Builder tls(@Nullable ClientTls tls) {
            this.tls = tls;
            return this;
        }

        @Override
        public RequestHead build() {
            return new SimpleRequestHead(this);
        }

        private static String requireToken(String what, String token) {
            Objects.requireNonNull(token, what);
            if (!Tokens.isToken(token)) {
                throw new IllegalArgumentException(what + ": '" + token + "' (expected: an RFC 9110 token)");
            }
            return token;
        }

        private static int requirePort(String what, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(what + ": " + port + " (expected: 0-65535)");
            }
            return port;
        }
    }
}
