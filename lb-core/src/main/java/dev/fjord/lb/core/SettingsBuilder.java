package dev.fjord.lb.core;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The setters of {@link Settings}, shared by the builders of {@code defaults}, frontends, backends and listen
 * sections (the logging ones in {@link LogSettingsBuilder}). A section's builder starts from the defaults in force when
 * the section was declared; what it sets overrides them for that section only. Not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class SettingsBuilder<B extends SettingsBuilder<B>> extends LogSettingsBuilder<B> {

    private Mode mode;
    private int maxConn;
    private int retries;
    private boolean redispatch;
    private Balance balance;
    private HashType hashType;
    private int hashBalanceFactor;
    private @Nullable String sendNameHeader;
    private final Timeouts.Draft timeouts;
    private @Nullable ForwardFor forwardFor;
    private ConnectionMode connectionMode;
    private @Nullable HttpCheck httpCheck;
    private Set<RetryOn> retryOn;
    private @Nullable TcpCheck tcpCheck;
    private UnderscoreHeaders underscoreHeaders;
    private boolean abortOnClose;
    private boolean bufferRequest;
    private int backlog;
    private Map<Integer, LocalResponse> errorFiles;
    private boolean allBackups;
    private HttpReuse httpReuse;
    private Compression compression;

    SettingsBuilder(String context, Settings defaults) {
        super(context, defaults);
        mode = defaults.mode();
        maxConn = defaults.maxConn();
        retries = defaults.retries();
        redispatch = defaults.redispatch();
        balance = defaults.balance();
        hashType = defaults.hashType();
        hashBalanceFactor = defaults.hashBalanceFactor();
        sendNameHeader = defaults.sendNameHeader();
        timeouts = new Timeouts.Draft(defaults.timeouts());
        forwardFor = defaults.forwardFor();
        connectionMode = defaults.connectionMode();
        httpCheck = defaults.httpCheck();
        retryOn = defaults.retryOn();
        tcpCheck = defaults.tcpCheck();
        underscoreHeaders = defaults.underscoreHeaders();
        abortOnClose = defaults.abortOnClose();
        bufferRequest = defaults.bufferRequest();
        backlog = defaults.backlog();
        errorFiles = defaults.errorFiles();
        allBackups = defaults.allBackups();
        httpReuse = defaults.httpReuse();
        compression = defaults.compression();
    }

    /** What is proxied ({@code mode}); default {@link Mode#TCP}. */
    public B mode(Mode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
        return touch("mode");
    }

    /** A frontend's concurrent connections ({@code maxconn}); default 0: the global maxconn only. */
    public B maxConn(int maxConn) {
        this.maxConn = Require.atLeast(context, "maxconn", maxConn, 0);
        return touch("maxconn");
    }

    /** Connection attempts retried after a failure ({@code retries}); default 3. */
    public B retries(int retries) {
        this.retries = Require.range(context, "retries", retries, 0, 100);
        return touch("retries");
    }

    /** Whether retries may go to another server ({@code option redispatch}); default false. */
    public B redispatch(boolean redispatch) {
        this.redispatch = redispatch;
        return touch("option redispatch");
    }

    /** The balancing algorithm ({@code balance}); default {@link Balance#roundRobin()}. */
    public B balance(Balance balance) {
        this.balance = Objects.requireNonNull(balance, "balance");
        return touch("balance");
    }

    /** How hash-based algorithms map keys to servers ({@code hash-type}); default {@link HashType#MAP_BASED}. */
    public B hashType(HashType hashType) {
        this.hashType = Objects.requireNonNull(hashType, "hashType");
        return touch("hash-type");
    }

    /**
     * {@code hash-balance-factor}: with {@code hash-type consistent}, a server takes at most {@code percent} % of the
     * average load (bounded-load consistent hashing); 0 (the default) for no bound, else more than 100.
     */
    public B hashBalanceFactor(int percent) {
        if (percent != 0 && percent <= 100) {
            throw new ConfigException(context + ": hash-balance-factor " + percent + " (expected: 0 or more than 100)");
        }
        this.hashBalanceFactor = percent;
        return touch("hash-balance-factor");
    }

    /**
     * {@code http-send-name-header NAME}: each request a server gets carries the server's name in the field
     * {@code name}, set again on every retry and redispatch, any such field of the client's removed; default none.
     *
     * @throws ConfigException for a name that is no token, or one of {@code Host}, {@code Content-Length},
     *     {@code Transfer-Encoding} and {@code Connection}, which HAProxy forbids too
     */
    public B sendNameHeader(String name) {
        if (name.isEmpty() || !name.chars().allMatch(c -> c > ' ' && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0)) {
            throw new ConfigException(context + ": http-send-name-header '" + name + "' (expected: a header name)");
        }
        if (java.util.Set.of("host", "content-length", "transfer-encoding", "connection")
                .contains(name.toLowerCase(java.util.Locale.ROOT))) {
            throw new ConfigException(context + ": http-send-name-header '" + name
                    + "' (expected: a header other than Host, Content-Length, Transfer-Encoding and Connection)");
        }
        this.sendNameHeader = name;
        return touch("http-send-name-header");
    }

    /** {@code timeout http-request}: time to receive a complete request head; default unset (client timeout). */
    public B timeoutHttpRequest(Duration timeout) {
        timeouts.httpRequest = Require.positive(context, "timeout http-request", timeout);
        return touch("timeout http-request");
    }

    /** {@code timeout queue}: time a request may wait for a connection slot; default unset (connect timeout). */
    public B timeoutQueue(Duration timeout) {
        timeouts.queue = Require.positive(context, "timeout queue", timeout);
        return touch("timeout queue");
    }

    /** {@code timeout connect}: time to connect to a server; default unset (no limit). */
    public B timeoutConnect(Duration timeout) {
        timeouts.connect = Require.positive(context, "timeout connect", timeout);
        return touch("timeout connect");
    }

    /** {@code timeout client}: client-side inactivity; default unset (no limit). */
    public B timeoutClient(Duration timeout) {
        timeouts.client = Require.positive(context, "timeout client", timeout);
        return touch("timeout client");
    }

    /** {@code timeout server}: server-side inactivity; default unset (no limit). */
    public B timeoutServer(Duration timeout) {
        timeouts.server = Require.positive(context, "timeout server", timeout);
        return touch("timeout server");
    }

    /** {@code timeout http-keep-alive}: idle time between requests; default unset (http-request timeout). */
    public B timeoutHttpKeepAlive(Duration timeout) {
        timeouts.httpKeepAlive = Require.positive(context, "timeout http-keep-alive", timeout);
        return touch("timeout http-keep-alive");
    }

    /** {@code timeout check}: time for a health check once connected; default unset (the check interval). */
    public B timeoutCheck(Duration timeout) {
        timeouts.check = Require.positive(context, "timeout check", timeout);
        return touch("timeout check");
    }

    /** {@code timeout tarpit}: how long {@code http-request tarpit} holds a request ({@link TarpitRule}). */
    public B timeoutTarpit(Duration timeout) {
        timeouts.tarpit = Require.positive(context, "timeout tarpit", timeout);
        return touch("timeout tarpit");
    }

    /** {@code timeout tunnel}: inactivity of tunnels (WebSocket); default unset (client/server timeouts). */
    public B timeoutTunnel(Duration timeout) {
        timeouts.tunnel = Require.positive(context, "timeout tunnel", timeout);
        return touch("timeout tunnel");
    }

    /** {@code timeout client-fin}: inactivity of a half-closed client connection; default unset. */
    public B timeoutClientFin(Duration timeout) {
        timeouts.clientFin = Require.positive(context, "timeout client-fin", timeout);
        return touch("timeout client-fin");
    }

    /** {@code timeout server-fin}: inactivity of a half-closed server connection; default unset. */
    public B timeoutServerFin(Duration timeout) {
        timeouts.serverFin = Require.positive(context, "timeout server-fin", timeout);
        return touch("timeout server-fin");
    }

    /** Adds the client's address to forwarded requests ({@code option forwardfor}); default off. */
    public B forwardFor(ForwardFor forwardFor) {
        this.forwardFor = Objects.requireNonNull(forwardFor, "forwardFor");
        return touch("option forwardfor");
    }

    /** How HTTP connections are kept alive; default {@link ConnectionMode#KEEP_ALIVE}. */
    public B connectionMode(ConnectionMode connectionMode) {
        this.connectionMode = Objects.requireNonNull(connectionMode, "connectionMode");
        return touch("option "
                + switch (connectionMode) {
                    case KEEP_ALIVE -> "http-keep-alive";
                    case HTTP_SERVER_CLOSE -> "http-server-close";
                    case HTTP_CLOSE -> "httpclose";
                });
    }

    /** HTTP health checks for the servers marked {@code check} ({@code option httpchk}); default TCP checks. */
    public B httpCheck(HttpCheck httpCheck) {
        this.httpCheck = Objects.requireNonNull(httpCheck, "httpCheck");
        return touch("option httpchk");
    }

    /**
     * What is retried ({@code retry-on}); default {@link RetryOn#DEFAULT}. Retries count against {@code retries}.
     *
     * @throws ConfigException when {@code events} is empty
     */
    public B retryOn(RetryOn... events) {
        if (events.length == 0) {
            throw new ConfigException(
                    context + ": retry-on: nothing (expected: at least one event, e.g. conn-failure)");
        }
        this.retryOn = Set.copyOf(java.util.Arrays.asList(events));
        return touch("retry-on");
    }

    /** Scripted TCP health checks ({@code option tcp-check}); default none. */
    public B tcpCheck(TcpCheck tcpCheck) {
        this.tcpCheck = Objects.requireNonNull(tcpCheck, "tcpCheck");
        return touch("option tcp-check");
    }

    /**
     * What a frontend does with a request header whose name, with {@code _} read as {@code -}, is one that frames or
     * routes the request; default {@link UnderscoreHeaders#DROP}. Frontends only.
     */
    public B underscoreHeaders(UnderscoreHeaders underscoreHeaders) {
        this.underscoreHeaders = Objects.requireNonNull(underscoreHeaders, "underscoreHeaders");
        return touch("underscore-headers");
    }

    /**
     * Whether a client that goes away cancels its request to the server, queued or in flight ({@code option
     * abortonclose}); default false. Backends only.
     */
    public B abortOnClose(boolean abortOnClose) {
        this.abortOnClose = abortOnClose;
        return touch("option abortonclose");
    }

    /** Reads the body before connecting ({@code option http-buffer-request}); default false. See {@link Settings}. */
    public B bufferRequest(boolean bufferRequest) {
        this.bufferRequest = bufferRequest;
        return touch("option http-buffer-request");
    }

    /**
     * The listen backlog of a frontend's sockets ({@code backlog}); default 0: the frontend's {@code maxconn}, else
     * the global {@code maxconn}, else 1024. Connections beyond it wait in no queue Fjord can time out: keep it near
     * {@code maxconn}. Frontends only.
     */
    public B backlog(int backlog) {
        this.backlog = Require.range(context, "backlog", backlog, 0, 1_000_000);
        return touch("backlog");
    }

    /**
     * The response sent instead of the built-in error page for {@code status} ({@code errorfile}), by the proxy's
     * errors (503 without a server, 502, 504, ...) and by {@code deny} rules of that status; a backend's is used
     * before its frontend's. {@link ErrorFile#parse} reads HAProxy's files. Default none.
     *
     * @throws ConfigException when HAProxy does not make errors of {@code status}
     */
    public B errorFile(int status, LocalResponse response) {
        if (!ErrorFile.STATUSES.contains(status)) {
            throw new ConfigException(context + ": errorfile " + status + " (expected: one of " + ErrorFile.STATUSES
                    + ", the statuses the proxy makes)");
        }
        Map<Integer, LocalResponse> files = new java.util.TreeMap<>(errorFiles);
        files.put(status, Objects.requireNonNull(response, "response"));
        this.errorFiles = Map.copyOf(files);
        return touch("errorfile");
    }

    /**
     * A backend balances over every backup server, not only the first, when no active server is usable
     * ({@code option allbackups}); default false. Backends and defaults only.
     */
    public B allBackups(boolean allBackups) {
        this.allBackups = allBackups;
        return touch("option allbackups");
    }

    /**
     * Whether the backend's idle keep-alive server connections serve other clients' requests ({@code http-reuse});
     * default {@link HttpReuse#SAFE}: yes. Backends only.
     */
    public B httpReuse(HttpReuse httpReuse) {
        this.httpReuse = Objects.requireNonNull(httpReuse, "httpReuse");
        return touch("http-reuse");
    }

    /**
     * Compresses responses with {@code algorithm} for clients that accept it ({@code compression algo}; several:
     * the client's preference decides, then their order); default none. See {@link Compression}.
     */
    public B compressionAlgorithm(CompressionAlgorithm algorithm) {
        this.compression = compression.withAlgorithm(algorithm);
        return touch("compression");
    }

    /** Compresses only responses whose {@code Content-Type} starts with {@code type} ({@code compression type}). */
    public B compressionType(String type) {
        this.compression = compression.withType(type);
        return touch("compression");
    }

    /** Requests go to the server without {@code Accept-Encoding} if Fjord compresses ({@code compression offload}). */
    public B compressionOffload() {
        this.compression = compression.withOffload();
        return touch("compression");
    }

    /** The settings as set so far. */
    Settings settings() {
        return new Settings(
                mode,
                maxConn,
                retries,
                redispatch,
                balance,
                hashType,
                timeouts.build(),
                forwardFor,
                connectionMode,
                logFormat,
                dontLogNull,
                logGlobal,
                logTargets,
                httpCheck,
                retryOn,
                tcpCheck,
                underscoreHeaders,
                abortOnClose,
                bufferRequest,
                backlog,
                errorFiles,
                allBackups,
                logOptions,
                httpReuse,
                compression,
                hashBalanceFactor,
                sendNameHeader);
    }
}
