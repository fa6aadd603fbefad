package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.ProxyProtocol;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** {@code bind ... accept-proxy} and {@code server ... send-proxy|send-proxy-v2}, through a real proxy. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProxyProtocolTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private static final InetSocketAddress CLIENT = new InetSocketAddress("198.18.0.7", 51234);
    private static final InetSocketAddress FRONT = new InetSocketAddress("198.18.0.1", 443);

    private FjordProxy acceptingProxy(String mode, String server) {
        return fjord.start("""
                defaults
                    mode %s
                    timeout connect 2s
                    timeout client 2s
                    timeout server 5s
                frontend main
                    bind 127.0.0.1:0 accept-proxy
                    option forwardfor
                    default_backend app
                backend app
                    server web1 %s
                """.formatted(mode, server));
    }

    @Test
    void aV1HeaderGivesTheClientsAddressToForwardedForAndTheRequestBehindItIsServed() throws Exception {
        MockWebServer web = fjord.mockServer();
        web.enqueue(new MockResponse.Builder().body("hello").build());
        FjordProxy proxy = acceptingProxy("http", ProxyExtension.address(web));

        try (RawClient client = new RawClient(proxy.address("main"))) {
            // header and request in one write: the bytes behind the header must not be lost
            String response = client.send("PROXY TCP4 198.18.0.7 198.18.0.1 51234 443\r\n"
                            + "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .readUntilClose();
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("hello");
        }
        RecordedRequest request = web.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).isNotNull();
        assertThat(request.getHeaders().get("X-Forwarded-For")).isEqualTo("198.18.0.7");
    }

    @Test
    void aV2HeaderIsReadToo() throws Exception {
        MockWebServer web = fjord.mockServer();
        web.enqueue(new MockResponse.Builder().body("hello").build());
        FjordProxy proxy = acceptingProxy("http", ProxyExtension.address(web));

        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send(ProxyProtocol.V2.header(CLIENT, FRONT));
            client.send("GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(client.readUntilClose()).startsWith("HTTP/1.1 200");
        }
        RecordedRequest request = web.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).isNotNull();
        assertThat(request.getHeaders().get("X-Forwarded-For")).isEqualTo("198.18.0.7");
    }

    @Test
    void aConnectionWithoutAHeaderIsClosedAndNothingIsForwarded() throws Exception {
        MockWebServer web = fjord.mockServer();
        FjordProxy proxy = acceptingProxy("http", ProxyExtension.address(web));

        try (RawClient client = new RawClient(proxy.address("main"))) {
            assertThat(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClose())
                    .doesNotContain("HTTP/1.1");
        }
        try (RawClient silent = new RawClient(proxy.address("main"))) {
            // no header within timeout client (2 s): closed
            assertThat(silent.timeout(4000).readUntilClose()).isEmpty();
        }
        assertThat(web.getRequestCount()).isZero();
    }

    @Test
    void tcpModeRelaysTheBytesBehindTheHeaderAndSendsTheClientOnWithSendProxy() throws Exception {
        try (FirstBytesServer server = new FirstBytesServer()) {
            FjordProxy proxy = acceptingProxy("tcp", "127.0.0.1:" + server.port() + " send-proxy");

            try (RawClient client = new RawClient(proxy.address("main"))) {
                client.send("PROXY TCP4 198.18.0.7 198.18.0.1 51234 443\r\nGET /tcp HTTP/1.1\r\n\r\n");
                assertThat(client.readUntilClose()).endsWith("first");
            }
            assertThat(new String(server.next(), StandardCharsets.ISO_8859_1))
                    .isEqualTo("PROXY TCP4 198.18.0.7 198.18.0.1 51234 443\r\nGET /tcp HTTP/1.1\r\n\r\n");
        }
    }

    @Test
    void sendProxyV2TellsTheServerTheClientsSocketAddressAheadOfTheRequest() throws Exception {
        try (FirstBytesServer server = new FirstBytesServer()) {
            FjordProxy proxy = fjord.start("""
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 2s
                        timeout server 5s
                    frontend main
                        bind 127.0.0.1:0
                        default_backend app
                    backend app
                        server web1 127.0.0.1:%d send-proxy-v2
                    """.formatted(server.port()));

            InetSocketAddress local;
            try (RawClient client = new RawClient(proxy.address("main"))) {
                local = client.localAddress();
                client.send("GET /v2 HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(client.readResponse()).endsWith("first");
            }
            byte[] expected = ProxyProtocol.V2.header(local, proxy.address("main"));
            byte[] got = server.next();
            assertThat(got).startsWith(expected);
            assertThat(new String(got, expected.length, got.length - expected.length, StandardCharsets.ISO_8859_1))
                    .startsWith("GET /v2 HTTP/1.1\r\n");
        }
    }
}
