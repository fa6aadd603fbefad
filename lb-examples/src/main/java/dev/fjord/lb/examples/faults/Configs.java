package dev.fjord.lb.examples.faults;

/**
 * The haproxy.cfg templates of the scenarios, each run unchanged by Fjord and by HAProxy. Placeholders:
 * {@code ${FRONTEND_PORT}}, {@code ${SOCKET}}, {@code ${SERVER1}}, {@code ${SERVER2}} (see {@link ProxyProcess}), and
 * the scenario's own ({@code ${MAXCONN}}).
 * Constants only.
 */
final class Configs {
    private Configs() {}

    /**
     * The configuration (sigkill, resets, drain, soak): retries with redispatch on connection failures,
     * empty responses and response timeouts; two servers checked every second, down after 2 failures, up after 2
     * successes; a runtime socket.
     */
    static final String RETRIES = """
            global
                maxconn 4096
                stats socket ${SOCKET} level admin

            defaults
                mode http
                option http-server-close
                retries 3
                option redispatch
                retry-on conn-failure empty-response response-timeout
                timeout connect 1s
                timeout client 10s
                timeout server 10s

            frontend main
                bind 127.0.0.1:${FRONTEND_PORT}
                default_backend app

            backend app
                balance roundrobin
                server web1 ${SERVER1} check inter 1s rise 2 fall 2
                server web2 ${SERVER2} check inter 1s rise 2 fall 2
            """;

    /** The start of the {@code RELOAD_*} cfgs: keep-alive both sides, a runtime socket, backend {@code app} next. */
    private static final String RELOAD_HEAD = """
            global
                maxconn 4096
                stats socket ${SOCKET} level admin

            defaults
                mode http
                timeout connect 1s
                timeout client 10s
                timeout server 10s

            frontend main
                bind 127.0.0.1:${FRONTEND_PORT}
                default_backend app

            backend app
                balance roundrobin
            """;

    /** The reload scenario's first cfg: web1 and web2, weight 1 each. */
    static final String RELOAD_START = RELOAD_HEAD + """
                server web1 ${SERVER1} weight 1
                server web2 ${SERVER2} weight 1
            """;

    /** Weights changed: web2 takes three requests to web1's one. */
    static final String RELOAD_WEIGHTS = RELOAD_HEAD + """
                server web1 ${SERVER1} weight 1
                server web2 ${SERVER2} weight 3
            """;

    /** A server added: web3. */
    static final String RELOAD_ADDED = RELOAD_WEIGHTS + """
                server web3 ${SERVER3} weight 2
            """;

    /** A server removed: web1. */
    static final String RELOAD_REMOVED = RELOAD_HEAD + """
                server web2 ${SERVER2} weight 3
                server web3 ${SERVER3} weight 2
            """;

    /** A slow server: {@code timeout server 1s}, no retries on timeouts, so a slow answer is a 504. */
    static final String SLOW = """
            global
                maxconn 4096

            defaults
                mode http
                option http-server-close
                timeout connect 1s
                timeout client 10s
                timeout server 1s

            frontend main
                bind 127.0.0.1:${FRONTEND_PORT}
                default_backend app

            backend app
                balance roundrobin
                server web1 ${SERVER1}
                server web2 ${SERVER2}
            """;

    /** Overload: 50 connections a server at most, the rest queued for up to 2 s, then 503. */
    static final String OVERLOAD = """
            global
                maxconn 4096

            defaults
                mode http
                option http-server-close
                timeout connect 1s
                timeout client 10s
                timeout server 10s
                timeout queue 2s

            frontend main
                bind 127.0.0.1:${FRONTEND_PORT}
                default_backend app

            backend app
                balance roundrobin
                server web1 ${SERVER1} maxconn 50
                server web2 ${SERVER2} maxconn 50
            """;

    /**
     * Many idle client connections: {@code maxconn ${MAXCONN}} (HAProxy reserves two descriptors a connection under
     * the process's limit, and refuses to start when they do not fit), a client timeout longer than they are held.
     */
    static final String IDLE = """
            global
                maxconn ${MAXCONN}

            defaults
                mode http
                option http-server-close
                timeout connect 1s
                timeout client 60s
                timeout server 10s

            frontend main
                bind 127.0.0.1:${FRONTEND_PORT}
                default_backend app

            backend app
                balance roundrobin
                server web1 ${SERVER1}
                server web2 ${SERVER2}
            """;

    /**
     * Clients that give up: {@code option abortonclose}, one server taking 2 connections at a time, the rest queued
     * for up to 10 s.
     */
    static final String ABORT_ON_CLOSE = """
            global
                maxconn 4096

            defaults
                mode http
                option http-server-close
                timeout connect 1s
                timeout client 10s
                timeout server 10s
                timeout queue 10s

            frontend main
                bind 127.0.0.1:${FRONTEND_PORT}
                default_backend app

            backend app
                option abortonclose
                server web1 ${SERVER1} maxconn 2
            """;
}
