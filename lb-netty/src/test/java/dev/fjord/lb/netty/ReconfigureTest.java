package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Reconfiguration;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.haproxy.HaproxyImport;

/**
 * {@link FjordProxy#reconfigure}: a new configuration applied to the running proxy while clients keep sending, with
 * no error, requests in flight finishing, and a configuration that cannot be applied refused whole.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReconfigureTest {
    private static final int CLIENTS = 16;

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private static ProxyConfig config(String text) {
        return HaproxyImport.parse(text, "reload.cfg", Map.of()).builder().build();
    }

    private static String cfg(String frontends, String servers) {
        return "defaults\n    mode http\n    retries 3\n    option redispatch\n    timeout connect 1s\n"
                + "    timeout client 5s\n    timeout server 5s\n"
                + "frontend main\n    bind 127.0.0.1:0\n    default_backend app\n" + frontends
                + "backend app\n" + servers;
    }

    @Test
    void serversAddedRemovedAndReweightedUnderLoadCostNoError() throws Exception {
        RecordingHttpServer web1 = fjord.recordingServer();
        RecordingHttpServer web2 = fjord.recordingServer();
        RecordingHttpServer web3 = fjord.recordingServer();
        String first = cfg("", "    server web1 " + web1.address() + "\n    server web2 " + web2.address() + "\n");
        FjordProxy proxy = fjord.start(first);

        AtomicInteger ok = new AtomicInteger();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            running.add(clients.submit(() -> {
                try (RawClient client = new RawClient(proxy.address("main"))) { // one kept-alive connection each
                    for (int i = 0; i < 100_000 && System.nanoTime() < end; i++) {
                        String response = client.send("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n")
                                .readResponse();
                        if (response.startsWith("HTTP/1.1 200")) {
                            ok.incrementAndGet();
                        } else {
                            errors.add(response);
                            return null;
                        }
                    }
                } catch (IOException e) {
                    errors.add(e.toString());
                }
                return null;
            }));
        }
        TimeUnit.MILLISECONDS.sleep(500);
        Server web2Before = proxy.router().backend("app").requireServer("web2");
        Reconfiguration changes = proxy.reconfigure(config(cfg(
                "    acl api path_beg /api\n",
                "    server web2 " + web2.address() + " weight 50 maxconn 40\n    server web3 " + web3.address()
                        + "\n")));
        int web1AfterRemoval = web1.received().size();
        TimeUnit.MILLISECONDS.sleep(700);
        int web1Late = web1.received().size();
        proxy.reconfigure(config(first)); // and back, web1 joining again
        for (Future<?> client : running) {
            client.get(20, TimeUnit.SECONDS);
        }
        clients.shutdownNow();

        System.out.printf(
                "reconfigured twice under %d clients: %d ok, %d errors; web1 %d, web2 %d, web3 %d requests%n",
                CLIENTS,
                ok.get(),
                errors.size(),
                web1.received().size(),
                web2.received().size(),
                web3.received().size());
        assertThat(changes.serversAdded()).containsExactly("app/web3");
        assertThat(changes.serversRemoved()).containsExactly("app/web1");
        assertThat(changes.serversChanged()).containsExactly("app/web2");
        assertThat(changes.frontendsChanged()).containsExactly("main");
        assertThat(errors).as("client errors").isEmpty();
        assertThat(web3.received()).as("the server added took traffic").isNotEmpty();
        assertThat(web1Late - web1AfterRemoval)
                .as("requests sent to web1 after it was removed")
                .isLessThanOrEqualTo(CLIENTS); // at most the ones in flight at the switch
        assertThat(proxy.router().backend("app").requireServer("web2")).isSameAs(web2Before);
        assertThat(web2Before.counters().sessions()).as("web2's counters kept").isPositive();
    }

    @Test
    void aRequestInFlightFinishesWhenItsServerIsRemoved() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RecordingHttpServer slow = fjord.recordingServer();
        slow.respond(request -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RecordingHttpServer.OK.apply(request);
        });
        RecordingHttpServer other = fjord.recordingServer();
        FjordProxy proxy = fjord.start(cfg("", "    server slow " + slow.address() + "\n"));

        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
            slow.await(1, 5000);
            proxy.reconfigure(config(cfg("", "    server other " + other.address() + "\n")));
            release.countDown();

            assertThat(client.readResponse()).startsWith("HTTP/1.1 200");
            assertThat(client.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 200");
        }
        assertThat(other.received()).extracting(r -> r.request().target()).containsExactly("/next");
    }

    @Test
    void aNewFrontendListensAndARemovedOneStopsClosingItsIdleConnections() throws Exception {
        RecordingHttpServer web = fjord.recordingServer();
        String servers = "    server web1 " + web.address() + "\n";
        FjordProxy proxy = fjord.start(cfg("frontend admin\n    bind 127.0.0.1:0\n    default_backend app\n", servers));
        var adminAddress = proxy.address("admin");

        try (RawClient idle = new RawClient(adminAddress)) {
            assertThat(idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 200");

            Reconfiguration changes = proxy.reconfigure(
                    config(cfg("frontend api\n    bind 127.0.0.1:0\n    default_backend app\n", servers)));

            assertThat(changes.frontendsAdded()).containsExactly("api");
            assertThat(changes.frontendsRemoved()).containsExactly("admin");
            assertThat(idle.timeout(2000).readUntilClose())
                    .as("the idle connection of 'admin' closes")
                    .isEmpty();
        }
        try (RawClient api = new RawClient(proxy.address("api"))) {
            assertThat(api.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 200");
        }
        assertThatThrownBy(() -> new RawClient(adminAddress).close()).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> proxy.address("admin")).hasMessageContaining("frontend 'admin' is not defined");
    }

    @Test
    void aConfigurationThatCannotBeBoundIsRefusedWhole() throws Exception {
        RecordingHttpServer web = fjord.recordingServer();
        RecordingHttpServer web2 = fjord.recordingServer();
        String servers = "    server web1 " + web.address() + "\n";
        FjordProxy proxy = fjord.start(cfg("", servers));
        ProxyConfig running = proxy.router().config();

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String busy = "127.0.0.1:" + taken.getLocalPort();
            assertThatThrownBy(() -> proxy.reconfigure(config(cfg(
                            "frontend extra\n    bind 127.0.0.1:0\n    bind " + busy + "\n    default_backend app\n",
                            servers + "    server web2 " + web2.address() + "\n"))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("frontend 'extra': cannot bind " + busy);
        }

        assertThat(proxy.router().config()).isSameAs(running);
        assertThat(proxy.router().backend("app").servers())
                .extracting(Server::name)
                .containsExactly("web1");
        assertThatThrownBy(() -> proxy.address("extra")).isInstanceOf(IllegalArgumentException.class);
        try (RawClient client = new RawClient(proxy.address("main"))) {
            assertThat(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 200");
        }
    }
}
