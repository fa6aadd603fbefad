package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.netty.channel.Channel;
import io.netty.util.concurrent.DefaultPromise;

/**
 * A server connection that goes back to the pool after every response holds nothing more for it: the issue was a
 * close listener added at each return (1.9 million of them after a minute against a server that never closes).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PooledConnectionTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @Test
    void aConnectionReturnedToThePoolAgainAndAgainGathersNoListeners() throws Exception {
        RecordingHttpServer server = fjord.recordingServer();
        FjordProxy proxy = fjord.start("defaults\n    mode http\n    timeout connect 1s\n    timeout client 5s\n"
                + "    timeout server 5s\n"
                + "frontend main\n    bind 127.0.0.1:0\n    default_backend app\n"
                + "backend app\n    server web1 " + server.address() + "\n");
        BackendPool pool = proxy.runtime().pool(proxy.router().backend("app").requireServer("web1"), 0);

        try (RawClient client = new RawClient(proxy.address("main"))) {
            int afterFirst = 0;
            for (int i = 1; i <= 300; i++) {
                assertThat(client.send("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n")
                                .readResponse())
                        .startsWith("HTTP/1.1 200");
                if (i == 1) {
                    afterFirst = closeListeners(onlyIdle(pool));
                }
            }
            assertThat(server.received()).extracting(r -> r.connection()).containsOnly(1);
            assertThat(closeListeners(onlyIdle(pool)))
                    .as("close listeners after 300 returns to the pool (after the first: %d)", afterFirst)
                    .isEqualTo(afterFirst)
                    .isLessThanOrEqualTo(2);
        }
    }

    private static Channel onlyIdle(BackendPool pool) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Channel> idle = pool.idleChannels();
        while (idle.size() != 1 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5); // the connection returns to the pool once the response is relayed
            idle = pool.idleChannels();
        }
        assertThat(idle).hasSize(1);
        return idle.get(0);
    }

    /** The listeners on {@code channel}'s close future, read from Netty's promise (no public count exists). */
    private static int closeListeners(Channel channel) throws ReflectiveOperationException {
        Object future = channel.closeFuture();
        Field single = DefaultPromise.class.getDeclaredField("listener");
        Field many = DefaultPromise.class.getDeclaredField("listeners");
        single.setAccessible(true);
        many.setAccessible(true);
        synchronized (future) { // the promise's own lock, held while listeners are added
            Object listeners = many.get(future);
            if (listeners == null) {
                return single.get(future) == null ? 0 : 1;
            }
            Field size = listeners.getClass().getDeclaredField("size");
            size.setAccessible(true);
            return (int) size.get(listeners);
        }
    }
}
