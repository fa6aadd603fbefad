package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.haproxy.HaproxyImport;

/** tcp-request inspect-delay and content rules over one connection, in virtual time. */
class ContentInspectorTest {
    private final VirtualTime time = new VirtualTime();
    private final Outcome outcome = new Outcome();

    /** What the listener heard. */
    private static final class Outcome implements ContentInspector.Listener {
        final List<String> heard = new ArrayList<>();

        @Nullable
        RequestHead accepted;

        @Override
        public void accepted(RequestHead connection) {
            heard.add("accepted");
            accepted = connection;
        }

        @Override
        public void rejected() {
            heard.add("rejected");
        }
    }

    private static Router imported(String resource) {
        try (InputStream in = ContentInspectorTest.class.getResourceAsStream("/compat/" + resource)) {
            String text =
                    new String(java.util.Objects.requireNonNull(in, resource).readAllBytes(), StandardCharsets.UTF_8);
            return Router.of(
                    HaproxyImport.parse(text, resource, Map.of()).builder().build());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Router tcp(Consumer<FrontendConfig.Builder> frontend) {
        return Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.TCP))
                .frontend("in", f -> {
                    f.bind("127.0.0.1:8443").defaultBackend("b2");
                    frontend.accept(f);
                })
                .backend("b1", b -> b.server("s1", "127.0.0.1:9441"))
                .backend("b2", b -> b.server("s2", "127.0.0.1:9442"))
                .build());
    }

    private ContentInspector start(Router router, String frontend, String client) {
        RequestHead connection =
                RequestHead.builder().client(client, 40000).localPort(8443).build();
        return ContentInspector.start(router, frontend, connection, time, outcome);
    }

    private String routedTo(Router router, String frontend) {
        RequestHead accepted = java.util.Objects.requireNonNull(outcome.accepted, "accepted");
        return java.util.Objects.requireNonNull(router.route(frontend, accepted).backend())
                .name();
    }

    @Test
    void theSniOfAClientHelloPicksTheBackend() {
        Router router = imported("06-sni-routing-tcp.cfg");

        start(router, "tls-in", "127.0.0.1").received(ClientHellos.jdk("A.example.com", "TLSv1.3"));
        assertThat(outcome.heard).containsExactly("accepted");
        assertThat(routedTo(router, "tls-in")).isEqualTo("b1");

        start(router, "tls-in", "127.0.0.1").received(ClientHellos.jdk("b.example.com", "TLSv1.2"));
        assertThat(routedTo(router, "tls-in")).isEqualTo("b2");
    }

    @Test
    void theBytesHeldAreThoseReceivedInOrder() {
        Router router = imported("06-sni-routing-tcp.cfg");
        byte[] hello = ClientHellos.jdk("a.example.com", "TLSv1.3");

        ContentInspector inspector = start(router, "tls-in", "127.0.0.1");
        inspector.received(Arrays.copyOfRange(hello, 0, 7));
        inspector.received(Arrays.copyOfRange(hello, 7, 100));
        assertThat(inspector.waiting()).isTrue();
        assertThat(outcome.heard).isEmpty();
        inspector.received(Arrays.copyOfRange(hello, 100, hello.length));

        assertThat(outcome.heard).containsExactly("accepted");
        assertThat(outcome.accepted.content().toByteArray()).isEqualTo(hello);
        assertThat(outcome.accepted.content().complete()).isTrue();
        assertThat(routedTo(router, "tls-in")).isEqualTo("b1");
    }

    @Test
    void aSilentClientIsRoutedToTheDefaultWhenTheDelayExpires() {
        Router router = imported("06-sni-routing-tcp.cfg");

        ContentInspector inspector = start(router, "tls-in", "127.0.0.1");
        time.advance(Duration.ofMillis(4999));
        assertThat(outcome.heard).isEmpty();
        time.advance(Duration.ofMillis(1));

        assertThat(outcome.heard).containsExactly("accepted");
        assertThat(outcome.accepted.content().length()).isZero();
        assertThat(routedTo(router, "tls-in")).isEqualTo("b2");
        inspector.received(ClientHellos.jdk("a.example.com", "TLSv1.3")); // too late: already routed
        assertThat(outcome.heard).containsExactly("accepted");
        assertThat(inspector.held()).isZero();
    }

    @Test
    void aHalfHelloIsJudgedAsItIsWhenTheDelayExpires() {
        Router router = imported("06-sni-routing-tcp.cfg");
        byte[] hello = ClientHellos.jdk("a.example.com", "TLSv1.3");

        start(router, "tls-in", "127.0.0.1").received(Arrays.copyOf(hello, 60));
        time.advance(Duration.ofSeconds(5));

        assertThat(outcome.heard).containsExactly("accepted");
        assertThat(outcome.accepted.content().length()).isEqualTo(60);
        assertThat(routedTo(router, "tls-in")).isEqualTo("b2");
    }

    @Test
    void rejectRulesApplyInOrder() {
        Router router = imported("07-tcp-content-inspection.cfg");

        start(router, "tls-only", "127.0.0.1").received("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        start(router, "tls-only", "127.0.0.1").received(ClientHellos.jdk("BLOCKED.example.com", "TLSv1.3"));
        start(router, "tls-only", "127.0.0.1").received(ClientHellos.sslv2());
        assertThat(outcome.heard).containsExactly("rejected", "rejected", "rejected");

        outcome.heard.clear();
        start(router, "tls-only", "127.0.0.1").received(ClientHellos.jdk("db.internal.example.com", "TLSv1.3"));
        assertThat(outcome.heard).containsExactly("accepted");
        assertThat(routedTo(router, "tls-only")).isEqualTo("internal");
        start(router, "tls-only", "127.0.0.1").received(ClientHellos.jdk("www.example.com", "TLSv1.2"));
        assertThat(routedTo(router, "tls-only")).isEqualTo("public");
    }

    @Test
    void anOldClientVersionGoesToTheLegacyFarm() {
        Router router = imported("07-tcp-content-inspection.cfg");
        byte[] hello = ClientHellos.hello(0, 2, 1, ClientHellos.serverName(0, "old.example.com"));
        hello[5] = 1; // client_version 3.1: TLS 1.0

        start(router, "tls-only", "127.0.0.1").received(ClientHellos.records(hello, 16384));

        assertThat(outcome.heard).containsExactly("accepted");
        assertThat(routedTo(router, "tls-only")).isEqualTo("legacy");
    }

    @Test
    void aClientThatSpeaksFirstIsRejectedAndASilentOneServedAfterTheDelay() {
        Router router = imported("07-tcp-content-inspection.cfg");

        start(router, "smtp", "127.0.0.1").received("EHLO x\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(outcome.heard).containsExactly("rejected");

        outcome.heard.clear();
        start(router, "smtp", "127.0.0.1");
        time.advance(Duration.ofMillis(2999));
        assertThat(outcome.heard).isEmpty();
        time.advance(Duration.ofMillis(1));
        assertThat(outcome.heard).containsExactly("accepted");
        assertThat(routedTo(router, "smtp")).isEqualTo("mail");
    }

    @Test
    void aListenSectionRejectsAClientSilentForTheWholeDelay() {
        Router router = imported("07-tcp-content-inspection.cfg");

        start(router, "https-speakers", "127.0.0.1");
        time.advance(Duration.ofSeconds(29));
        assertThat(outcome.heard).isEmpty();
        time.advance(Duration.ofSeconds(1));

        assertThat(outcome.heard).containsExactly("rejected");
    }

    @Test
    void withoutRulesNothingIsHeldWhateverTheDelay() {
        Router router = tcp(f -> f.inspectDelay(Duration.ofSeconds(5)).useBackend("b1", "{ req.ssl_sni -m found }"));

        ContentInspector inspector = start(router, "in", "127.0.0.1");

        assertThat(inspector.waiting()).isFalse();
        assertThat(outcome.heard).containsExactly("accepted");
        assertThat(outcome.accepted.content()).isSameAs(RequestContent.NONE);
        assertThat(routedTo(router, "in")).isEqualTo("b2");
    }

    @Test
    void withoutDelayTheRulesDecideAtOnceOnNothing() {
        Router router = tcp(f -> f.tcpContent(TcpContentRule.reject().unless("{ req.ssl_hello_type 1 }")));

        start(router, "in", "127.0.0.1");

        assertThat(outcome.heard).containsExactly("rejected");
    }

    @Test
    void rulesWithoutContentFetchesDecideBeforeAnyByte() {
        Router router = tcp(f -> f.inspectDelay(Duration.ofSeconds(5))
                .tcpContent(TcpContentRule.reject().when("{ src 10.0.0.0/8 }")));

        start(router, "in", "10.1.2.3");
        start(router, "in", "192.0.2.1");

        assertThat(outcome.heard).containsExactly("rejected", "accepted");
    }

    @Test
    void aMissBeforeAFailWaitsAsInHaproxy() {
        Router missFirst = tcp(f -> f.inspectDelay(Duration.ofSeconds(5))
                .tcpContent(TcpContentRule.reject().when("{ req.ssl_hello_type 1 } { src 10.0.0.0/8 }")));
        Router failFirst = tcp(f -> f.inspectDelay(Duration.ofSeconds(5))
                .tcpContent(TcpContentRule.reject().when("{ src 10.0.0.0/8 } { req.ssl_hello_type 1 }")));

        assertThat(start(missFirst, "in", "192.0.2.1").waiting()).isTrue();
        assertThat(start(failFirst, "in", "192.0.2.1").waiting()).isFalse();
        assertThat(outcome.heard).containsExactly("accepted");
    }

    @Test
    void unlessWaitsForDataLikeIf() {
        Router router = tcp(f -> f.inspectDelay(Duration.ofSeconds(5))
                .tcpContent(TcpContentRule.reject().unless("{ req.ssl_hello_type 1 }")));
        byte[] hello = ClientHellos.jdk("a.example.com", "TLSv1.3");

        ContentInspector inspector = start(router, "in", "127.0.0.1");
        inspector.received(Arrays.copyOf(hello, 20));
        assertThat(inspector.waiting()).isTrue();
        inspector.received(Arrays.copyOfRange(hello, 20, hello.length));

        assertThat(outcome.heard).containsExactly("accepted");
    }

    @Test
    void aFullBufferIsFinalWithoutWaitingForTheDelay() {
        Router router = tcp(f -> f.inspectDelay(Duration.ofSeconds(5))
                .tcpContent(TcpContentRule.accept().when("{ req.ssl_hello_type 1 }"))
                .tcpContent(TcpContentRule.reject()));
        byte[] huge = new byte[RequestContent.LIMIT + 100];
        byte[] header = {0x16, 3, 1, (byte) 0xff, (byte) 0xff, 1, 1, 0, 0}; // a handshake of 65 536 bytes
        System.arraycopy(header, 0, huge, 0, header.length);

        ContentInspector inspector = start(router, "in", "127.0.0.1");
        inspector.received(Arrays.copyOf(huge, 1000));
        assertThat(inspector.waiting()).isTrue();
        inspector.received(Arrays.copyOfRange(huge, 1000, huge.length));

        assertThat(outcome.heard).containsExactly("rejected");
        assertThat(inspector.held()).isEqualTo(RequestContent.LIMIT);
    }

    @Test
    void closingStopsTheInspectionSilently() {
        Router router = imported("06-sni-routing-tcp.cfg");

        ContentInspector inspector = start(router, "tls-in", "127.0.0.1");
        inspector.close();
        time.advance(Duration.ofSeconds(10));
        inspector.received(ClientHellos.jdk("a.example.com", "TLSv1.3"));

        assertThat(outcome.heard).isEmpty();
    }

    @Test
    void theRouterSaysWhatTheRulesSay() {
        Router router = imported("07-tcp-content-inspection.cfg");
        RequestHead partial = RequestHead.builder()
                .content(RequestContent.of(new byte[] {0x16, 3}, false))
                .build();

        assertThat(router.inspect("tls-only", partial)).isEqualTo(ContentVerdict.WAIT);
        assertThat(router.frontend("tls-only")
                        .inspect(RequestHead.builder()
                                .content(RequestContent.of(new byte[] {0x16, 3}, true))
                                .build()))
                .isEqualTo(ContentVerdict.REJECT);
        assertThat(router.inspect(
                        "tls-only",
                        RequestHead.builder()
                                .content(RequestContent.of(ClientHellos.jdk("x.example.com", "TLSv1.3"), false))
                                .build()))
                .isEqualTo(ContentVerdict.ACCEPT);
    }
}
