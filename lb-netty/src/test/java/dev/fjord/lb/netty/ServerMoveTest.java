package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.AdminState;
import dev.fjord.lb.core.Server;

/**
 * A server moved to another address while running ({@code set server B/S addr}, or DNS for a named server): the next
 * request goes to the new address, even on a client connection kept alive, while the server keeps its state and
 * counters; its idle connections to the old address close.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerMoveTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer before = fjord.recordingServer();
    private final RecordingHttpServer after = fjord.recordingServer();

    @Test
    void theNextRequestGoesToTheNewAddressAndTheOldIdleConnectionCloses() throws Exception {
        before.respond(request -> RecordingHttpServer.response(request, 200, "before"));
        after.respond(request -> RecordingHttpServer.response(request, 200, "after"));
        FjordProxy proxy = fjord.start(
                "defaults\n    mode http\n    option http-keep-alive\n    timeout connect 1s\n    timeout client 5s\n"
                        + "    timeout server 5s\n"
                        + "frontend main\n    bind 127.0.0.1:0\n    default_backend app\n"
                        + "backend app\n    server web1 " + before.address() + "\n");
        Server web1 = proxy.router().backend("app").requireServer("web1");
        BackendPool oldPool = proxy.runtime().pool(web1, 0);

        try (RawClient client = new RawClient(proxy.address("main"))) {
            assertThat(get(client)).endsWith("before");
            web1.adminState(AdminState.DRAIN); // state a move keeps
            web1.adminState(AdminState.READY);

            proxy.router().backend("app").moveServer("web1", after.address(), "test");

            assertThat(get(client)).endsWith("after");
            assertThat(get(client)).endsWith("after");
        }
        assertThat(proxy.router().backend("app").requireServer("web1")).isSameAs(web1);
        assertThat(web1.counters().sessions()).isEqualTo(3);
        assertThat(before.received()).hasSize(1);
        assertThat(after.received()).hasSize(2);
        assertThat(after.connections())
                .as("the new address's connection pooled in turn")
                .isEqualTo(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!oldPool.idleChannels().isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(oldPool.idleChannels())
                .as("the old address's idle connection")
                .isEmpty();
    }

    private static String get(RawClient client) throws Exception {
        return client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
    }
}
