package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.ResponseHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;

/**
 * {@code set-var}, {@code set-var-fmt} and {@code unset-var} in {@code http-request}, {@code http-response} and
 * {@code http-after-response}, and the {@code var()} fetch in ACLs and header values: a request's variables, from its
 * first rule to its response's last.
 */
class VariablesTest {
    private static Router router(String text) {
        return Router.of(
                HaproxyImport.parse(text, "haproxy.cfg", Map.of()).builder().build());
    }

    private static final String CONFIG = """
            defaults
                mode http
            frontend www
                bind :80
                http-request set-var(txn.host) req.hdr(host),lower
                http-request set-var-fmt(txn.who) "%[src]:%[src_port] to %[var(txn.host)]"
                http-request set-var(req.temporary) str(gone)
                http-request unset-var(req.temporary)
                http-request set-header X-Host %[var(txn.host)]
                http-request set-header X-Temporary [%[var(req.temporary)]]
                use_backend api if { var(txn.host) -m str api.example }
                http-after-response set-header X-Seen "%[var(txn.who)] %[var(txn.type)] %[var(txn.path)]"
                default_backend www
            backend www
                http-request set-var(txn.path) path
                server web1 127.0.0.1:8001
            backend api
                acl json var(txn.type) -m beg application/json
                http-response set-var(txn.type) res.hdr(content-type)
                http-response set-header X-Json yes if json
                server api1 127.0.0.1:8002
            """;

    @Test
    void aRequestsVariablesRouteItAndFillItsHeadersBothWays() {
        Router router = router(CONFIG);
        RequestHead request = RequestHead.builder()
                .uri("/v1/items")
                .header("Host", "API.Example")
                .client("192.0.2.9", 4321)
                .build();

        RouteDecision.Forward forward = router.route(request).asForward();

        assertThat(forward.backend().name()).isEqualTo("api");
        assertThat(forward.forwardedRequest().header("X-Host")).isEqualTo("api.example");
        assertThat(forward.forwardedRequest().header("X-Temporary")).as("unset").isEqualTo("[]");
        ResponseHead answered = router.responses()
                .respond(
                        forward,
                        ResponseHead.builder(200)
                                .header("Content-Type", "application/json")
                                .build());
        assertThat(answered.header("X-Json")).isEqualTo("yes");
        assertThat(answered.header("X-Seen"))
                .as("txn.path is set by the other backend's rule only")
                .isEqualTo("192.0.2.9:4321 to api.example application/json ");
    }

    @Test
    void eachRequestHasItsOwnVariables() {
        Router router = router(CONFIG);
        RouteDecision.Forward first = router.route(RequestHead.builder()
                        .uri("/a")
                        .header("Host", "www.example")
                        .build())
                .asForward();
        RouteDecision.Forward second =
                router.route(RequestHead.builder().uri("/b").build()).asForward();

        assertThat(router.responses()
                        .respond(first, ResponseHead.builder(200).build())
                        .header("X-Seen"))
                .isEqualTo("127.0.0.1:0 to www.example  /a");
        assertThat(router.responses()
                        .respond(second, ResponseHead.builder(200).build())
                        .header("X-Seen"))
                .isEqualTo("127.0.0.1:0 to   /b");
    }

    @Test
    void badNamesScopesAndArgumentsAreRefusedWithTheirLine() {
        assertThatThrownBy(() -> router("frontend www\n    bind :80\n    http-request set-var(sess.user) src\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:3: 'http-request set-var(sess.user)' in frontend 'www'")
                .hasMessageContaining("variable 'sess.user' (expected: txn.NAME, req.NAME or res.NAME");
        assertThatThrownBy(() -> router("frontend www\n    bind :80\n    http-request set-var(txn.a) src port\n"))
                .hasMessageContaining("expected: set-var(NAME) EXPRESSION (one word: FETCH,CONVERTER...)");
        assertThatThrownBy(() -> router("frontend www\n    bind :80\n    http-request set-var(txn.a,ifexists) src\n"))
                .hasMessageContaining("conditions on set-var (ifexists, ifnotempty...) are not supported yet");
        assertThatThrownBy(() -> router("frontend www\n    bind :80\n    acl a var(x) -m found\n"))
                .hasMessageContaining("variable 'x' (expected: txn.NAME");
        assertThatThrownBy(() -> router("frontend www\n    bind :80\n    http-request set-var(txn.a) nope\n"))
                .hasMessageContaining("haproxy.cfg:3")
                .hasMessageContaining("fetch 'nope' is not supported yet");
    }
}
