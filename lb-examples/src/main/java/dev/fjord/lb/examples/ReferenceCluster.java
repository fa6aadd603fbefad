package dev.fjord.lb.examples;

import java.time.Duration;

import dev.fjord.lb.core.Acl;
import dev.fjord.lb.core.Balance;
import dev.fjord.lb.core.ConnectionMode;
import dev.fjord.lb.core.Cookie;
import dev.fjord.lb.core.ForwardFor;
import dev.fjord.lb.core.HttpCheck;
import dev.fjord.lb.core.LogFormat;
import dev.fjord.lb.core.LogTarget;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;

/**
 * The reference cluster (reference/haproxy.cfg) built in code: two web nodes behind round robin with
 * {@code SERVERID} cookie stickiness and HTTP health checks, and a stats listener.
 *
 * <pre>{@code
 * ProxyConfig config = ReferenceCluster.builder()                    // the file's addresses
 *     .editFrontend("main", f -> f.clearBinds().bind("127.0.0.1:8080"))
 *     .editBackend("app", b -> b.editServer("web1", s -> s.address("127.0.0.1:8081"))
 *                               .editServer("web2", s -> s.address("127.0.0.1:8082")))
 *     .build();
 * }</pre>
 */
public final class ReferenceCluster {
    /** The stats password of the reference file; change it for anything but a demo. */
    public static final String STATS_PASSWORD = "SuperSecretPassword";

    private ReferenceCluster() {}

    /** A stats socket path this process can use: {@code fjord-PID.sock} in the temporary directory. */
    public static String localStatsSocket() {
        return java.nio.file.Path.of(
                        System.getProperty("java.io.tmpdir"),
                        "fjord-" + ProcessHandle.current().pid() + ".sock")
                .toString();
    }

    /** A builder holding the reference configuration exactly as the file writes it, addresses included. */
    public static ProxyConfig.Builder builder() {
        return ProxyConfig.builder()
                .global(g ->
                        g.log(LogTarget.of("127.0.0.1", "local2")).maxConn(4000).statsSocket("/var/lib/haproxy/stats"))
                .defaults(d -> d.mode(Mode.HTTP)
                        .logGlobal(true)
                        .logFormat(LogFormat.HTTP)
                        .dontLogNull(true)
                        .connectionMode(ConnectionMode.HTTP_SERVER_CLOSE)
                        .forwardFor(ForwardFor.except("127.0.0.0/8"))
                        .redispatch(true)
                        .retries(3)
                        .timeoutHttpRequest(Duration.ofSeconds(10))
                        .timeoutQueue(Duration.ofMinutes(1))
                        .timeoutConnect(Duration.ofSeconds(10))
                        .timeoutClient(Duration.ofMinutes(1))
                        .timeoutServer(Duration.ofMinutes(1))
                        .timeoutHttpKeepAlive(Duration.ofSeconds(10))
                        .timeoutCheck(Duration.ofSeconds(10))
                        .maxConn(3000))
                .frontend(
                        "main",
                        f -> f.bind("*:80")
                                .acl(
                                        "url_static",
                                        Acl.pathBeg("/static", "/images", "/javascript", "/stylesheets")
                                                .ignoreCase())
                                .acl(
                                        "url_static",
                                        Acl.pathEnd(".jpg", ".gif", ".png", ".css", ".js")
                                                .ignoreCase())
                                .defaultBackend("app"))
                .backend(
                        "app",
                        b -> b.balance(Balance.roundRobin())
                                .cookie(Cookie.insert("SERVERID").indirect().noCache())
                                .httpCheck(HttpCheck.get("/health_check.php"))
                                .server(
                                        "web1",
                                        "192.168.10.11:80",
                                        s -> s.check().cookie("s1"))
                                .server(
                                        "web2",
                                        "192.168.10.12:80",
                                        s -> s.check().cookie("s2")))
                .listen(
                        "stats",
                        l -> l.bind("*:1936")
                                .stats(s -> s.uri("/").hideVersion().auth("admin", STATS_PASSWORD)));
    }

    /**
     * The reference configuration moved to other addresses: the frontend and stats listener bind {@code frontend}
     * and {@code stats}, the web nodes are {@code web1} and {@code web2} ({@code host:port}; port 0 binds a free port),
     * and the runtime command socket is {@link #localStatsSocket()}.
     */
    public static ProxyConfig at(String frontend, String stats, String web1, String web2) {
        return builderAt(frontend, stats, web1, web2).build();
    }

    /** {@link #at}, as a builder to add to (peers, stick tables). */
    public static ProxyConfig.Builder builderAt(String frontend, String stats, String web1, String web2) {
        return builder()
                .global(g -> g.statsSocket(localStatsSocket()))
                .editFrontend("main", f -> f.clearBinds().bind(frontend))
                .editListen("stats", l -> l.clearBinds().bind(stats))
                .editBackend(
                        "app",
                        b -> b.editServer("web1", s -> s.address(web1)).editServer("web2", s -> s.address(web2)));
    }
}
