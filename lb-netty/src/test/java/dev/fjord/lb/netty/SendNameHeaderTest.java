package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** {@code http-send-name-header}: the server a request reaches learns its own name, also after a redispatch. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SendNameHeaderTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @Test
    void theServerOfTheAttemptIsNamedAndTheClientsFieldReplaced() throws IOException, InterruptedException {
        int closed = HaproxyProcess.freePort(); // nothing listens: web1's connect is refused
        try (MockWebServer web2 = new MockWebServer()) {
            web2.start(InetAddress.getLoopbackAddress(), 0);
            web2.enqueue(new MockResponse.Builder().body("from web2").build());
            FjordProxy proxy = fjord.start("""
                    defaults
                        mode http
                        timeout connect 1s
                        timeout client 5s
                        timeout server 5s
                        http-send-name-header X-Server
                    frontend main
                        bind 127.0.0.1:0
                        default_backend app
                    backend app
                        balance first
                        retries 2
                        option redispatch
                        server web1 127.0.0.1:%d
                        server web2 127.0.0.1:%d
                    """.formatted(closed, web2.getPort()));

            try (RawClient client = new RawClient(proxy.address("main"))) {
                client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Server: forged\r\nConnection: close\r\n\r\n");
                assertThat(client.readUntilClose()).startsWith("HTTP/1.1 200").endsWith("from web2");
            }

            RecordedRequest request = web2.takeRequest(5, TimeUnit.SECONDS);
            assertThat(request).isNotNull();
            assertThat(request.getHeaders().values("X-Server")).containsExactly("web2");
        }
    }
}
