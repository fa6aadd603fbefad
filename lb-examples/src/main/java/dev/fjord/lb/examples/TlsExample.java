package dev.fjord.lb.examples;

import dev.fjord.lb.core.Condition;
import dev.fjord.lb.core.HttpRequestRule;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.TlsVerify;
import dev.fjord.lb.core.TlsVersion;

/** The README's TLS example: HTTPS in front, plain HTTP redirected to it, TLS to the servers. */
final class TlsExample {
    private TlsExample() {}

    static ProxyConfig config() {
        return ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend(
                        "www",
                        f -> f.bind("*:80")
                                .bind(
                                        "*:443",
                                        b -> b.ssl(t -> t.crt("/etc/fjord/site.pem") // chain + key, as HAProxy reads it
                                                .crt("/etc/fjord/certs") // every PEM in it; the first crt is the
                                                // default
                                                .minVersion(TlsVersion.TLS_1_2)
                                                .alpn("http/1.1")
                                                .caFile("/etc/fjord/clients-ca.pem")
                                                .verify(TlsVerify.OPTIONAL)))
                                .httpRequest(HttpRequestRule.redirectScheme("https", 301)
                                        .when(Condition.parse("!{ ssl_fc }")))
                                .defaultBackend("app"))
                .backend(
                        "app",
                        b -> b.server(
                                        "web1",
                                        "10.0.0.11:443",
                                        s -> s.ssl(t -> t.caFile("/etc/fjord/ca.pem")
                                                        .sni("req.hdr(host)"))
                                                .check())
                                .server("web2", "10.0.0.12:443", s -> s.ssl(t -> t.verifyNone())))
                .build();
    }
}
