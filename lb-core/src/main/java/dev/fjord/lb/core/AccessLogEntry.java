package dev.fjord.lb.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One access-log record: what HAProxy's {@code option httplog} and {@code option tcplog} print, as values. The
 * transport fills it; {@link AccessLogFormat} writes it. Timers are milliseconds, -1 where a stage was never
 * reached.
 *
 * @param client the client's address
 * @param clientPort the client's port
 * @param acceptedAtMillis when the request (HTTP) or connection (TCP) was accepted, epoch milliseconds ({@code %tr})
 * @param frontend the frontend's name ({@code %ft})
 * @param backend the backend's name, or {@code <NOSRV>}-style null when none was chosen ({@code %b})
 * @param server the server's name, or null ({@code %s}, printed {@code <NOSRV>})
 * @param requestTime time to receive the request head ({@code %TR})
 * @param queueTime time waiting in queues ({@code %Tw})
 * @param connectTime time to connect to the server ({@code %Tc})
 * @param responseTime time for the server to send the response head ({@code %Tr})
 * @param activeTime the whole request, from its first byte to the last byte of the response ({@code %Ta})
 * @param status the status sent to the client, -1 if none ({@code %ST})
 * @param bytesOut bytes sent to the client ({@code %B})
 * @param termination HAProxy's four-character termination state, e.g. {@code ----} or {@code sC--}
 *     ({@code %tsc})
 * @param activeConnections connections on the process ({@code %ac})
 * @param frontendConnections connections on the frontend ({@code %fc})
 * @param backendConnections connections to the backend ({@code %bc})
 * @param serverConnections connections to the server ({@code %sc})
 * @param retries retries that happened ({@code %rc}; {@code +} prefixed when redispatched)
 * @param redispatched whether a retry went to another server
 * @param serverQueue requests ahead in the server's queue ({@code %sq})
 * @param backendQueue requests ahead in the backend's queue ({@code %bq})
 * @param requestLine the request line ({@code %r}); null in TCP mode
 * @param droppedHeaders request header and trailer fields the proxy removed as look-alikes of framing or routing
 *     fields ({@link UnderscoreHeaders}) or as not allowed in trailers; JSON field {@code dropped_headers}
 * @param details what {@code log-format} reads beyond those fields; {@link Details#NONE} when not recorded
 */
public record AccessLogEntry(
        InetAddress client,
        int clientPort,
        long acceptedAtMillis,
        String frontend,
        @Nullable String backend,
        @Nullable String server,
        long requestTime,
        long queueTime,
        long connectTime,
        long responseTime,
        long activeTime,
        int status,
        long bytesOut,
        String termination,
        int activeConnections,
        int frontendConnections,
        int backendConnections,
        int serverConnections,
        int retries,
        boolean redispatched,
        int serverQueue,
        int backendQueue,
        @Nullable String requestLine,
        int droppedHeaders,
        Details details) {

    /**
     * What HAProxy's {@code log-format} variables {@code %Ti %Tq %Tt %Tu %U %rt %fi %fp %bi %bp %si %sp} read, beyond
     * the fields of {@code option httplog}. Immutable.
     *
     * @param idleTime milliseconds between the connection's accept (or the end of the previous response on it) and
     *     the request's first byte ({@code %Ti}); -1 when not measured (TCP sessions)
     * @param bytesIn bytes received from the client ({@code %U}): the request head and body, or a TCP session's
     * @param requestCounter the process's count of requests and TCP sessions before this one ({@code %rt}, from 0)
     * @param frontendAddress the address the client connected to ({@code %fi:%fp}); null when unknown
     * @param backendSource the local address of the connection to the server ({@code %bi:%bp}); null without one
     * @param serverAddress the address of the server connected to ({@code %si:%sp}); null without one
     * @param tls the TLS handshake of the client connection ({@code %sslv}, {@code %sslc}); null on a plain one
     * @param requestCaptures the frontend's captured request headers ({@code %hr}), one value per capture; empty
     *     without captures
     * @param responseCaptures the frontend's captured response headers ({@code %hs}), likewise
     * @param requestCookie the request's cookie {@code capture cookie} took ({@code %CC}); null: none
     * @param responseCookie the cookie the response set that {@code capture cookie} took ({@code %CS}); null: none
     * @param uniqueId the request's unique ID ({@code %ID}, from {@code unique-id-format}); null: none
     */
    public record Details(
            long idleTime,
            long bytesIn,
            long requestCounter,
            @Nullable InetSocketAddress frontendAddress,
            @Nullable InetSocketAddress backendSource,
            @Nullable InetSocketAddress serverAddress,
            @Nullable ClientTls tls,
            List<String> requestCaptures,
            List<String> responseCaptures,
            @Nullable String requestCookie,
            @Nullable String responseCookie,
            @Nullable String uniqueId) {
        /** Nothing recorded: no idle time, no addresses, no TLS, no captures. */
        public static final Details NONE = new Details(-1, 0, 0, null, null, null, null);

        public Details {
            requestCaptures = List.copyOf(requestCaptures);
            responseCaptures = List.copyOf(responseCaptures);
        }

        /** Details without header or cookie captures. */
        public Details(
                long idleTime,
                long bytesIn,
                long requestCounter,
                @Nullable InetSocketAddress frontendAddress,
                @Nullable InetSocketAddress backendSource,
                @Nullable InetSocketAddress serverAddress,
                @Nullable ClientTls tls) {
            this(
                    idleTime,
                    bytesIn,
                    requestCounter,
                    frontendAddress,
                    backendSource,
                    serverAddress,
                    tls,
                    List.of(),
                    List.of(),
                    null,
                    null,
                    null);
        }
    }

    public AccessLogEntry {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(details, "details");
        Objects.requireNonNull(frontend, "frontend");
        Objects.requireNonNull(termination, "termination");
        if (termination.length() != 4) {
            throw new IllegalArgumentException("termination: '" + termination + "' (expected: 4 characters)");
        }
    }

    /**
     * Whether HAProxy counts this request as failed, for {@code option dontlog-normal} and {@code
     * log-separate-errors}: redispatched, retried and otherwise normal, ended by anything but a normal end or the
     * proxy's own answer (a termination cause other than {@code -} and {@code L}), or answered with a 5xx.
     */
    public boolean failed() {
        char cause = termination.charAt(0);
        return redispatched || (retries > 0 && cause == '-') || (cause != '-' && cause != 'L') || status >= 500;
    }

    /** An entry without {@link Details}. */
    public AccessLogEntry(
            InetAddress client,
            int clientPort,
            long acceptedAtMillis,
            String frontend,
            @Nullable String backend,
            @Nullable String server,
            long requestTime,
            long queueTime,
            long connectTime,
            long responseTime,
            long activeTime,
            int status,
            long bytesOut,
            String termination,
            int activeConnections,
            int frontendConnections,
            int backendConnections,
            int serverConnections,
            int retries,
            boolean redispatched,
            int serverQueue,
            int backendQueue,
            @Nullable String requestLine,
            int droppedHeaders) {
        this(
                client,
                clientPort,
                acceptedAtMillis,
                frontend,
                backend,
                server,
                requestTime,
                queueTime,
                connectTime,
                responseTime,
                activeTime,
                status,
                bytesOut,
                termination,
                activeConnections,
                frontendConnections,
                backendConnections,
                serverConnections,
                retries,
                redispatched,
                serverQueue,
                backendQueue,
                requestLine,
                droppedHeaders,
                Details.NONE);
    }

    /** An entry with no dropped header fields and without {@link Details}. */
    public AccessLogEntry(
            InetAddress client,
            int clientPort,
            long acceptedAtMillis,
            String frontend,
            @Nullable String backend,
            @Nullable String server,
            long requestTime,
            long queueTime,
            long connectTime,
            long responseTime,
            long activeTime,
            int status,
            long bytesOut,
            String termination,
            int activeConnections,
            int frontendConnections,
            int backendConnections,
            int serverConnections,
            int retries,
            boolean redispatched,
            int serverQueue,
            int backendQueue,
            @Nullable String requestLine) {
        this(
                client,
                clientPort,
                acceptedAtMillis,
                frontend,
                backend,
                server,
                requestTime,
                queueTime,
                connectTime,
                responseTime,
                activeTime,
                status,
                bytesOut,
                termination,
                activeConnections,
                frontendConnections,
                backendConnections,
                serverConnections,
                retries,
                redispatched,
                serverQueue,
                backendQueue,
                requestLine,
                0,
                Details.NONE);
    }
}
