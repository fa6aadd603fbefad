package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The {@code ssl_fc*} and {@code ssl_c_*} fetches on {@link RequestHead#tls()}, and the TLS model's checks. */
class TlsFetchesTest {
    private static final ClientTls WITH_CLIENT = new ClientTls(
            "TLSv1.3", "TLS_AES_128_GCM_SHA256", "a.example.test", "http/1.1", true, 0, "/C=NO/O=Fjord Test/CN=c");
    private static final RequestHead TLS =
            RequestHead.builder().tls(WITH_CLIENT).build();
    private static final RequestHead PLAIN = RequestHead.get("/");

    @Test
    void eachFetchReadsTheHandshake() {
        assertThat(Acl.parse("ssl_fc").test(TLS)).isTrue();
        assertThat(Acl.parse("ssl_fc").test(PLAIN)).isFalse();
        assertThat(Acl.sslFc().test(TLS)).isTrue();
        assertThat(Acl.parse("ssl_fc_sni -i A.example.test").test(TLS)).isTrue();
        assertThat(Acl.parse("ssl_fc_sni_end .example.test").test(TLS)).isTrue();
        assertThat(Acl.parse("ssl_fc_protocol TLSv1.3").test(TLS)).isTrue();
        assertThat(Acl.parse("ssl_fc_cipher -m beg TLS_AES").test(TLS)).isTrue();
        assertThat(Acl.parse("ssl_fc_alpn http/1.1").test(TLS)).isTrue();
        assertThat(Acl.parse("ssl_c_used").test(TLS)).isTrue();
        assertThat(Acl.parse("ssl_c_used").test(PLAIN)).isFalse();
        assertThat(Acl.parse("ssl_c_verify 0").test(TLS)).isTrue();
        assertThat(Acl.parse("ssl_c_s_dn -m end /CN=c").test(TLS)).isTrue();
        assertThat(Acl.parse("ssl_fc_sni -m found").test(PLAIN)).isFalse();
    }

    @Test
    void headerValuesCarryTheHandshakeAsMutualTlsSetupsSendIt() {
        FrontendRouter router = Router.of(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP))
                        .frontend(
                                "main",
                                f -> f.bind(":80")
                                        .httpRequest(HttpRequestRule.setHeaderFormat("X-SSL", "%[ssl_fc]"))
                                        .httpRequest(HttpRequestRule.setHeaderFormat(
                                                "X-SSL-Client-Verify", "%[ssl_c_verify]"))
                                        .httpRequest(
                                                HttpRequestRule.setHeaderFormat("X-SSL-Client-DN", "%[ssl_c_s_dn]"))
                                        .httpRequest(
                                                HttpRequestRule.setHeaderFormat("X-SSL-Protocol", "%[ssl_fc_protocol]"))
                                        .defaultBackend("app"))
                        .backend("app", b -> b.server("web1", "127.0.0.1:9000"))
                        .build())
                .frontend("main");

        RequestHead tls = router.route(TLS).asForward().forwardedRequest();
        assertThat(tls.header("X-SSL")).isEqualTo("1");
        assertThat(tls.header("X-SSL-Client-Verify")).isEqualTo("0");
        assertThat(tls.header("X-SSL-Client-DN")).isEqualTo("/C=NO/O=Fjord Test/CN=c");
        assertThat(tls.header("X-SSL-Protocol")).isEqualTo("TLSv1.3");
        RequestHead plain = router.route(PLAIN).asForward().forwardedRequest();
        assertThat(plain.header("X-SSL")).isEqualTo("0");
        assertThat(plain.header("X-SSL-Protocol"))
                .as("no value: an empty field, as HAProxy")
                .isEmpty();
    }

    @Test
    void redirectSchemeHttpsUnlessSslFc() {
        FrontendRouter router = Router.of(
                        dev.fjord.lb.core.haproxy.HaproxyImport.parse("""
                                defaults
                                    mode http
                                frontend main
                                    bind *:80
                                    redirect scheme https code 301 if !{ ssl_fc }
                                    default_backend app
                                backend app
                                    server web1 127.0.0.1:9000
                                """, "haproxy.cfg", java.util.Map.of())
                                .builder()
                                .build())
                .frontend("main");
        RequestHead plain =
                RequestHead.builder().uri("/a").header("Host", "shop.example").build();
        RequestHead tls = RequestHead.builder()
                .uri("/a")
                .header("Host", "shop.example")
                .tls(WITH_CLIENT)
                .build();

        assertThat(router.route(plain)).isInstanceOf(RouteDecision.Respond.class);
        assertThat(((RouteDecision.Respond) router.route(plain)).response().header("Location"))
                .isEqualTo("https://shop.example/a");
        assertThat(router.route(tls)).isInstanceOf(RouteDecision.Forward.class);
    }

    @Test
    void buildErrorsNameTheBindTheValueAndWhatWasExpected() {
        assertThatThrownBy(() -> ProxyConfig.builder()
                        .frontend(
                                "main",
                                f -> f.bind(
                                        "*:443",
                                        b -> b.ssl(t -> t.crt("site.pem")
                                                .minVersion(TlsVersion.TLS_1_3)
                                                .maxVersion(TlsVersion.TLS_1_2))))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("frontend 'main': bind '*:443': ssl: ssl-min-ver TLSv1.3 is above ssl-max-ver TLSv1.2 "
                        + "(expected: min <= max)");
        assertThatThrownBy(() -> ProxyConfig.builder()
                        .frontend(
                                "main",
                                f -> f.bind(
                                        "*:443",
                                        b -> b.ssl(t -> t.crt("site.pem").alpn("h 2")))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("frontend 'main': bind '*:443': ssl: alpn 'h 2' (expected:");
        assertThatThrownBy(() -> ProxyConfig.builder()
                        .backend("app", b -> b.server("web1", "127.0.0.1:443", s -> s.ssl(t -> t.sni("nope(x)")))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "backend 'app': server 'web1': sni: sample 'nope(x)': fetch 'nope' is not " + "supported yet");
    }
}
