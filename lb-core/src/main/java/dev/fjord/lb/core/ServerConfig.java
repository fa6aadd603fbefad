package dev.fjord.lb.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A {@code server} line of a backend: where the server is and how it is balanced, checked and limited.
 * Immutable; made by {@link BackendConfig.Builder#server(String, String, java.util.function.Consumer)}.
 *
 * @param name unique in its backend
 * @param address where requests go; port 0 (none written, HAProxy 1.4's syntax): the port the client connected to
 * @param weight 0-256, default 1; 0 takes only persistent traffic
 * @param cookie the value of the persistence cookie that designates this server, or null (no cookie persistence)
 * @param backup used only when no active server is usable
 * @param check whether the server is health-checked ({@code check})
 * @param checkPort the port health checks connect to; 0 (the default) means the server's port
 * @param checkAddress the address health checks connect to; null (the default) means the server's address
 * @param inter interval between checks, default 2 s
 * @param fastInter interval while the server is transitioning (UP going down or DOWN going up), default {@code inter}
 * @param downInter interval while the server is DOWN, default {@code inter}
 * @param rise consecutive successful checks to mark a DOWN server UP, default 2
 * @param fall consecutive failed checks to mark an UP server DOWN, default 3
 * @param maxConn concurrent requests sent to the server, beyond which requests queue; 0 (the default) is no limit
 * @param maxQueue requests that may wait for this server; 0 (the default) is no limit
 * @param slowStart time over which a recovered server's weight ramps up; zero (the default) is at once
 * @param disabled starts in {@link AdminState#MAINT} ({@code disabled})
 * @param observe passive checks from live traffic ({@code observe}); null: none
 * @param initState how a checked server starts ({@code init-state}); default fully up
 * @param shutdownSessionsOnDown sessions closed when checks mark it DOWN ({@code on-marked-down shutdown-sessions})
 * @param shutdownBackupSessionsOnUp backups' sessions closed when it comes UP ({@code on-marked-up ...})
 * @param sendProxy the PROXY protocol header each connection to the server starts with ({@code send-proxy},
 *     {@code send-proxy-v2}); default {@link ProxyProtocol#NONE}. Such connections are not shared between clients.
 * @param checkSendProxy health checks start with a PROXY header too ({@code check-send-proxy}); HAProxy's default:
 *     when {@code sendProxy} is set and the checks have neither their own {@code port} nor {@code addr}
 * @param tls TLS to the server and its checks ({@code ssl}, {@code check-ssl}, {@code verify}, ...); null: neither
 * @param idlePool the idle connections kept for reuse ({@code pool-max-conn}, {@code pool-purge-delay})
 * @param initAddr where a server written with a name starts ({@code init-addr}: {@code libc}, an IP address,
 *     {@code none}: in MAINT, {@code last}: nothing), tried in order; empty (the default): the name as it resolves
 */
public record ServerConfig(
        String name,
        Address address,
        int weight,
        @Nullable String cookie,
        boolean backup,
        boolean check,
        int checkPort,
        @Nullable String checkAddress,
        Duration inter,
        Duration fastInter,
        Duration downInter,
        int rise,
        int fall,
        int maxConn,
        int maxQueue,
        Duration slowStart,
        boolean disabled,
        @Nullable PassiveCheck observe,
        InitState initState,
        boolean shutdownSessionsOnDown,
        boolean shutdownBackupSessionsOnUp,
        ProxyProtocol sendProxy,
        boolean checkSendProxy,
        @Nullable ServerTls tls,
        IdlePool idlePool,
        List<String> initAddr) {

    public ServerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(inter, "inter");
        Objects.requireNonNull(fastInter, "fastInter");
        Objects.requireNonNull(downInter, "downInter");
        Objects.requireNonNull(slowStart, "slowStart");
        Objects.requireNonNull(idlePool, "idlePool");
        initAddr = List.copyOf(initAddr);
    }

    /**
     * Where a request that arrived on local port {@code destinationPort} goes: {@link #address()}, or, for a server
     * written without a port, its host at {@code destinationPort}.
     */
    public Address addressFor(int destinationPort) {
        return address.port() == 0 ? address.withPort(destinationPort) : address;
    }

    /** Builds a {@link ServerConfig}; not thread-safe. Every value is checked when set. */
    public static final class Builder {
        final String context;
        final String name;
        Address address;
        int weight = 1;

        @Nullable
        String cookie;

        boolean backup;
        boolean check;
        int checkPort;

        @Nullable
        String checkAddress;

        Duration inter = Duration.ofSeconds(2);

        @Nullable
        Duration fastInter;

        @Nullable
        Duration downInter;

        int rise = 2;
        int fall = 3;
        int maxConn;
        int maxQueue;
        Duration slowStart = Duration.ZERO;
        boolean disabled;

        @Nullable
        PassiveCheck observe;

        InitState initState = InitState.FULLY_UP;
        boolean shutdownSessionsOnDown;
        boolean shutdownBackupSessionsOnUp;
        ProxyProtocol sendProxy = ProxyProtocol.NONE;

        @Nullable
        Boolean checkSendProxy;

        boolean ssl;

        @Nullable
        Boolean checkSsl;

        ServerTls.@Nullable Builder tls;
        IdlePool idlePool = IdlePool.DEFAULT;
        List<String> initAddr = List.of();
        /** The TLS of the server {@link #like} copied, kept as it is unless TLS is set again. */
        @Nullable
        ServerTls copiedTls;

        Builder(String backendContext, String name, String address) {
            this.name = Require.name(backendContext, "server", name);
            this.context = backendContext + ": server '" + name + "'";
            this.address = Address.ofServer(context, address);
        }

        /** Starts from a copy of {@code template}'s values ({@code default-server}), keeping this name and address. */
        Builder copyDefaults(Builder template) {
            ServerSettingsCopy.fromDefaults(this, template);
            return this;
        }

        /**
         * Takes every setting of {@code other} but its name and address: a server like another, e.g. one a
         * {@link ServerTemplate} fills from DNS.
         */
        public Builder like(ServerConfig other) {
            ServerSettingsCopy.fromServer(this, other);
            return this;
        }

        /** Where requests go: {@code host:port} or {@code [ipv6]:port}. */
        public Builder address(String address) {
            this.address = Address.ofServer(context, address);
            return this;
        }

        /** Where requests go. */
        public Builder address(Address address) {
            this.address = Address.ofServer(
                    context, Objects.requireNonNull(address, "address").toString());
            return this;
        }

        /** 0-256, default 1; 0 takes only persistent traffic. */
        public Builder weight(int weight) {
            this.weight = Require.range(context, "weight", weight, 0, 256);
            return this;
        }

        /** The persistence cookie value that designates this server ({@code cookie s1}). */
        public Builder cookie(String value) {
            this.cookie = Require.cookieValue(context, value);
            return this;
        }

        /** Used only when no active server is usable ({@code backup}). */
        public Builder backup() {
            this.backup = true;
            return this;
        }

        /** Health-checks the server ({@code check}); the backend's check settings say how. */
        public Builder check() {
            this.check = true;
            return this;
        }

        /** The port checks connect to ({@code port}); default the server's port. */
        public Builder checkPort(int port) {
            this.checkPort = Require.range(context, "port", port, 1, 65535);
            return this;
        }

        /** The address checks connect to ({@code addr}); default the server's address. */
        public Builder checkAddress(String address) {
            this.checkAddress = Require.host(context, "addr", address);
            return this;
        }

        /** Interval between checks ({@code inter}); default 2 s. */
        public Builder inter(Duration inter) {
            this.inter = Require.positive(context, "inter", inter);
            return this;
        }

        /** Interval while transitioning ({@code fastinter}); default {@code inter}. */
        public Builder fastInter(Duration fastInter) {
            this.fastInter = Require.positive(context, "fastinter", fastInter);
            return this;
        }

        /** Interval while DOWN ({@code downinter}); default {@code inter}. */
        public Builder downInter(Duration downInter) {
            this.downInter = Require.positive(context, "downinter", downInter);
            return this;
        }

        /** Successful checks in a row to mark a DOWN server UP ({@code rise}); default 2. */
        public Builder rise(int rise) {
            this.rise = Require.atLeast(context, "rise", rise, 1);
            return this;
        }

        /** Failed checks in a row to mark an UP server DOWN ({@code fall}); default 3. */
        public Builder fall(int fall) {
            this.fall = Require.atLeast(context, "fall", fall, 1);
            return this;
        }

        /** Concurrent requests beyond which requests queue ({@code maxconn}); 0 (the default) is no limit. */
        public Builder maxConn(int maxConn) {
            this.maxConn = Require.atLeast(context, "maxconn", maxConn, 0);
            return this;
        }

        /** Requests that may wait for this server ({@code maxqueue}); 0 (the default) is no limit. */
        public Builder maxQueue(int maxQueue) {
            this.maxQueue = Require.atLeast(context, "maxqueue", maxQueue, 0);
            return this;
        }

        /** Time over which a recovered server's weight ramps up ({@code slowstart}); default zero. */
        public Builder slowStart(Duration slowStart) {
            this.slowStart = Require.notNegative(context, "slowstart", slowStart);
            return this;
        }

        /** Starts in {@link AdminState#MAINT} ({@code disabled}). */
        public Builder disabled() {
            this.disabled = true;
            return this;
        }

        /** Passive checks from live traffic ({@code observe}, {@code error-limit}, {@code on-error}). */
        public Builder observe(PassiveCheck observe) {
            this.observe = Objects.requireNonNull(observe, "observe");
            return this;
        }

        /** How the server starts when checked ({@code init-state}); default {@link InitState#FULLY_UP}. */
        public Builder initState(InitState state) {
            this.initState = Objects.requireNonNull(state, "state");
            return this;
        }

        /** Closes the server's sessions when its checks mark it DOWN ({@code on-marked-down shutdown-sessions}). */
        public Builder shutdownSessionsOnDown() {
            this.shutdownSessionsOnDown = true;
            return this;
        }

        /** Closes backup servers' sessions when this one comes UP ({@code on-marked-up shutdown-backup-sessions}). */
        public Builder shutdownBackupSessionsOnUp() {
            this.shutdownBackupSessionsOnUp = true;
            return this;
        }

        /** Starts each connection with a PROXY protocol header ({@code send-proxy}, {@code send-proxy-v2}). */
        public Builder sendProxy(ProxyProtocol version) {
            this.sendProxy = Objects.requireNonNull(version, "version");
            return this;
        }

        /** Idle connections kept, e.g. {@code s.idlePool(p -> p.maxConn(16))}; from {@link IdlePool#DEFAULT}. */
        public Builder idlePool(java.util.function.UnaryOperator<IdlePool> change) {
            this.idlePool = IdlePool.checked(context, change.apply(idlePool));
            return this;
        }

        /** Where a server written with a name starts ({@code init-addr last,libc,none}); checked. */
        public Builder initAddr(String methods) {
            this.initAddr = ServerTemplate.initAddr(context, methods);
            return this;
        }

        /** Starts each health check with a PROXY protocol header too ({@code check-send-proxy}). */
        public Builder checkSendProxy() {
            this.checkSendProxy = true;
            return this;
        }

        /**
         * {@code ssl}: requests go over TLS, configured by {@code spec}, e.g.
         * {@code s.ssl(t -> t.caFile("/etc/fjord/ca.pem").sni("req.hdr(host)"))} or {@code s.ssl(t -> t.verifyNone())};
         * checks too, unless they have their own {@code port} or {@code addr}.
         */
        public Builder ssl(java.util.function.Consumer<ServerTls.Builder> spec) {
            this.ssl = true;
            return tlsOptions(spec);
        }

        /** {@code check-ssl}: health checks go over TLS, with the server's TLS options. */
        public Builder checkSsl() {
            this.checkSsl = true;
            return this;
        }

        /** The TLS options ({@code verify}, {@code ca-file}, ...) without turning TLS on, e.g. in a default-server. */
        public Builder tlsOptions(java.util.function.Consumer<ServerTls.Builder> spec) {
            if (tls == null) {
                tls = new ServerTls.Builder(context);
            }
            spec.accept(tls);
            return this;
        }

        private @Nullable ServerTls buildTls() {
            if (copiedTls != null && tls == null && !ssl && checkSsl == null) {
                return copiedTls;
            }
            return ServerTls.Builder.build(
                    tls, context, ssl, checkSsl != null ? checkSsl : ssl && checkPort == 0 && checkAddress == null);
        }

        ServerConfig build() {
            if (check && address.port() == 0 && checkPort == 0) {
                throw new ConfigException(
                        context + ": check: the server has no port, so its checks need one (expected: port N)");
            }
            return new ServerConfig(
                    name,
                    address,
                    weight,
                    cookie,
                    backup,
                    check,
                    checkPort,
                    checkAddress,
                    inter,
                    fastInter == null ? inter : fastInter,
                    downInter == null ? inter : downInter,
                    rise,
                    fall,
                    maxConn,
                    maxQueue,
                    slowStart,
                    disabled,
                    observe,
                    initState,
                    shutdownSessionsOnDown,
                    shutdownBackupSessionsOnUp,
                    sendProxy,
                    checkSendProxy != null
                            ? checkSendProxy
                            : sendProxy != ProxyProtocol.NONE && checkPort == 0 && checkAddress == null,
                    buildTls(),
                    idlePool,
                    initAddr);
        }
    }
}
