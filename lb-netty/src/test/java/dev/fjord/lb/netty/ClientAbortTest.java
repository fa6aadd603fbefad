package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.AccessLogEntry;
import dev.fjord.lb.core.Server;

/**
 * A client that goes away while its request is queued or served: a reset always ends the exchange and is logged
 * {@code C}; a FIN (the client is done sending) lets the request be answered, unless {@code option abortonclose}
 * cancels it wherever it is, leaving no server connection behind.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientAbortTest {
    private final List<AccessLogEntry> entries = new CopyOnWriteArrayList<>();
    /** Released at the end of each test: the server holds every response until then. */
    private final CountDownLatch release = new CountDownLatch(1);

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private RecordingHttpServer server;
    private FjordProxy proxy;

    @BeforeEach
    void start() {
        server = fjord.recordingServer();
        server.respond(request -> {
            try {
                if (request.target().startsWith("/held")) {
                    release.await(10, TimeUnit.SECONDS); // a slow server: answers once the test lets it
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RecordingHttpServer.OK.apply(request);
        });
    }

    @AfterEach
    void releaseServer() {
        release.countDown();
    }

    private void proxy(String backendOptions) {
        proxy = fjord.start(
                "defaults\n    mode http\n    option httplog\n    log global\n    retries 0\n"
                        + "    timeout connect 1s\n    timeout client 5s\n    timeout server 5s\n    timeout queue 5s\n"
                        + "frontend main\n    bind 127.0.0.1:0\n    default_backend app\n"
                        + "backend app\n" + backendOptions + "    server web1 " + server.address() + " maxconn 1\n",
                b -> b.accessLog((entry, line) -> entries.add(entry)));
    }

    private Server web1() {
        return proxy.router().backend("app").requireServer("web1");
    }

    private AccessLogEntry logged(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (entries.size() < count && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5); // the log line follows the ending: bounded wait for it
        }
        assertThat(entries).hasSizeGreaterThanOrEqualTo(count);
        return entries.get(count - 1);
    }

    private RawClient held(String path) throws IOException, InterruptedException {
        RawClient client = new RawClient(proxy.address("main"));
        client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        return client;
    }

    private void awaitServerSessions(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (web1().counters().current() != count && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertThat(web1().counters().current()).as("sessions open to web1").isEqualTo(count);
    }

    @Test
    void aResetIsLoggedAsTheClientsAbortWithoutAbortOnClose() throws Exception {
        proxy("");
        RawClient client = held("/held");
        server.await(1, 5000);
        client.reset();

        AccessLogEntry entry = logged(1);
        assertThat(entry.termination()).startsWith("CH");
        awaitServerSessions(0);
    }

    @Test
    void aHalfClosedClientStillGetsItsAnswerWithoutAbortOnClose() throws Exception {
        proxy("");
        try (RawClient client = held("/held")) {
            server.await(1, 5000);
            client.shutdownOutput();
            TimeUnit.MILLISECONDS.sleep(100); // the FIN reaches the proxy while the server works
            assertThat(web1().counters().current()).isEqualTo(1);
            release.countDown();

            String answer = client.readUntilClose();
            assertThat(answer)
                    .startsWith("HTTP/1.1 200")
                    .contains("connection: close")
                    .endsWith("ok");
        }
        assertThat(logged(1).termination()).startsWith("--");
    }

    @Test
    void abortOnCloseCancelsARequestTheServerIsWorkingOn() throws Exception {
        proxy("    option abortonclose\n");
        try (RawClient client = held("/held")) {
            server.await(1, 5000);
            client.shutdownOutput();

            assertThat(client.readUntilClose()).isEmpty(); // closed without an answer
            awaitServerSessions(0);
        }
        assertThat(logged(1).termination()).startsWith("CH");
    }

    @Test
    void abortOnCloseTakesAQueuedRequestOutOfTheQueue() throws Exception {
        proxy("    option abortonclose\n");
        try (RawClient first = held("/held/first");
                RawClient queued = held("/queued")) {
            server.await(1, 5000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (proxy.runtime().slots(web1()).queued() == 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
            assertThat(proxy.runtime().slots(web1()).queued())
                    .as("queued behind maxconn 1")
                    .isEqualTo(1);
            queued.shutdownOutput();

            assertThat(logged(1).termination()).startsWith("CQ");
            assertThat(proxy.runtime().slots(web1()).queued()).isZero();
            release.countDown();
            assertThat(first.readResponse()).startsWith("HTTP/1.1 200");
        }
        logged(2);
        assertThat(server.received()).extracting(r -> r.request().target()).containsExactly("/held/first");
    }

    @Test
    void aFinBetweenRequestsClosesTheConnection() throws Exception {
        proxy("");
        try (RawClient client = new RawClient(proxy.address("main"))) {
            assertThat(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 200");
            client.shutdownOutput();
            assertThat(client.timeout(2000).readUntilClose()).isEmpty();
        }
    }
}
