package dev.fjord.lb.examples;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import dev.fjord.lb.core.HttpRequestRule;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.StickData;
import dev.fjord.lb.core.StickRule;
import dev.fjord.lb.core.StickTable;

/**
 * The reference cluster's load balancers sharing what they learn, through HAProxy's peers protocol: a client is
 * stuck to a web node by its source address ({@code stick on src}, after the {@code SERVERID} cookie), and limited
 * to {@code limit} requests per 10 s ({@code 429} beyond), whichever load balancer serves it. As haproxy.cfg:
 *
 * <pre>
 * global
 *     localpeer lb1
 * peers lbs
 *     peer lb1 198.18.0.1:10000
 *     peer lb2 198.18.0.2:10000
 * frontend main
 *     stick-table type ip size 100k expire 30s store http_req_rate(10s) peers lbs
 *     http-request track-sc0 src
 *     http-request deny deny_status 429 if { sc_http_req_rate(0) gt LIMIT }
 * backend app
 *     stick-table type ip size 100k expire 30m peers lbs
 *     stick on src
 * </pre>
 */
public final class PeerSync {
    /** The name of the peers section. */
    public static final String PEERS = "lbs";

    private PeerSync() {}

    /**
     * Adds the peers section, the tables and the rules to a reference configuration.
     *
     * @param localPeer this load balancer's name among {@code peers}
     * @param peers every load balancer by name, {@code ip:port} where it listens for the others
     * @param limit requests per 10 s a client may send
     */
    public static ProxyConfig.Builder apply(
            ProxyConfig.Builder reference, String localPeer, Map<String, String> peers, int limit) {
        Objects.requireNonNull(localPeer, "localPeer");
        return reference
                .peers(PEERS, p -> {
                    p.localPeer(localPeer);
                    peers.forEach(p::peer);
                })
                .editFrontend(
                        "main",
                        f -> f.stickTable(StickTable.ip(100_000)
                                        .expire(Duration.ofSeconds(30))
                                        .store(StickData.HTTP_REQ_RATE, Duration.ofSeconds(10))
                                        .peers(PEERS))
                                .httpRequest(HttpRequestRule.trackSc(0, "src"))
                                .httpRequest(
                                        HttpRequestRule.deny(429).when("{ sc_http_req_rate(0) gt " + limit + " }")))
                .editBackend(
                        "app",
                        b -> b.stickTable(StickTable.ip(100_000)
                                        .expire(Duration.ofMinutes(30))
                                        .peers(PEERS))
                                .stick(StickRule.on("src")));
    }
}
