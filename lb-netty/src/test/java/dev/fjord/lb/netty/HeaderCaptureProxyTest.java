package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code capture request header} and {@code capture response header} through the proxy: the client's request as
 * received and the response as sent, in the httplog line between braces, as HAProxy logs them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeaderCaptureProxyTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer server = fjord.recordingServer();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    @Test
    void theHttplogLineCarriesTheCapturedHeaders() throws Exception {
        FjordProxy proxy = fjord.start(
                "defaults\n    mode http\n    option httplog\n    log global\n    timeout client 5s\n"
                        + "    timeout server 5s\nfrontend main\n    bind 127.0.0.1:0\n"
                        + "    capture request header Host len 9\n    capture request header X-Missing len 5\n"
                        + "    capture response header Content-Length len 5\n    default_backend app\n"
                        + "backend app\n    server web1 " + server.address() + "\n",
                b -> b.accessLog((entry, line) -> lines.add(line)));

        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send("GET /a HTTP/1.1\r\nHost: shop.example.com\r\n\r\n");
            assertThat(client.readResponse()).startsWith("HTTP/1.1 200");
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lines.isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5); // the log line follows the exchange's end: a bounded wait for it
        }
        assertThat(lines).singleElement().asString().contains(" 0/0 {shop.exam|} {2} \"GET /a HTTP/1.1\"");
    }

    @Test
    void captureCookieTakesTheClientsCookieAndTheServers() throws Exception {
        server.respond(request -> ("HTTP/1.1 200 X\r\nSet-Cookie: JSESSIONID=fromserver; Path=/\r\n"
                        + "Content-Length: 2\r\n\r\nok")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        FjordProxy proxy = fjord.start(
                "defaults\n    mode http\n    option httplog\n    log global\n    timeout client 5s\n"
                        + "    timeout server 5s\nfrontend main\n    bind 127.0.0.1:0\n"
                        + "    capture cookie JSESSIONID= len 20\n    default_backend app\n"
                        + "backend app\n    cookie SERVERID insert indirect\n"
                        + "    server web1 " + server.address() + " cookie s1\n",
                b -> b.accessLog((entry, line) -> lines.add(line)));

        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send("GET /a HTTP/1.1\r\nHost: x\r\nCookie: a=1; JSESSIONID=fromclient-0123456789\r\n\r\n");
            assertThat(client.readResponse()).startsWith("HTTP/1.1 200").contains("SERVERID=s1");
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lines.isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5); // the log line follows the exchange's end: a bounded wait for it
        }
        assertThat(lines)
                .singleElement()
                .asString()
                .contains(" JSESSIONID=fromclien JSESSIONID=fromserve --NI "); // 20 characters each
    }

    @Test
    void theCookieTheProxyInsertsIsNotCapturedAsHaproxyDoesNot() throws Exception {
        FjordProxy proxy = fjord.start(
                "defaults\n    mode http\n    option httplog\n    log global\n    timeout client 5s\n"
                        + "    timeout server 5s\nfrontend main\n    bind 127.0.0.1:0\n"
                        + "    capture cookie SERVERID len 20\n    default_backend app\n"
                        + "backend app\n    cookie SERVERID insert indirect\n"
                        + "    server web1 " + server.address() + " cookie s1\n",
                b -> b.accessLog((entry, line) -> lines.add(line)));

        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse()).startsWith("HTTP/1.1 200").contains("SERVERID=s1");
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lines.isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5); // the log line follows the exchange's end: a bounded wait for it
        }
        // HAProxy 2.6 on the same lines logs "- -" too (checked by hand: it captures the server's cookies only)
        assertThat(lines).singleElement().asString().contains(" - - --NI ");
    }
}
