package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.AccessLogEntry;

/**
 * {@code http-request tarpit} through the proxy, side by side with HAProxy ({@link HaproxyProcess}; that half skipped
 * where it is not installed): the answer (500, or the {@code deny_status}) comes after {@code timeout tarpit}, the
 * connection stays open for the next request (HAProxy 2.6 keeps it), the server never sees the request; Fjord logs
 * {@code PT} (also for a client that leaves first, as HAProxy sets it when the rule applies) and counts the request
 * as denied.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TarpitProxyTest {
    private static final long TARPIT_MILLIS = 400;

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private final RecordingHttpServer web = fjord.recordingServer();
    private final List<AccessLogEntry> entries = new CopyOnWriteArrayList<>();

    private String config(String bind) {
        return HaproxyProcess.HTTP_DEFAULTS + """
                frontend fe
                    log global
                    bind %s
                    timeout tarpit %dms
                    http-request tarpit if { path_beg /bot }
                    http-request tarpit deny_status 429 if { path_beg /api }
                    default_backend app
                backend app
                    server web1 %s
                """.formatted(bind, TARPIT_MILLIS, web.address());
    }

    /** Per path: the status line, whether the wait was the tarpit's, and the answer to a next request on it. */
    private List<String> run(InetSocketAddress proxy) throws Exception {
        List<String> seen = new ArrayList<>();
        for (String path : List.of("/bot/login", "/api/x", "/ok")) {
            try (RawClient client = new RawClient(proxy).timeout(5_000)) {
                long start = System.nanoTime();
                String response = client.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n")
                        .readResponse();
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                String next =
                        client.send("GET /next HTTP/1.1\r\nHost: a\r\n\r\n").readResponse();
                seen.add(path + " " + response.substring(0, 12) + (millis >= TARPIT_MILLIS - 20 ? " held" : " at once")
                        + ", then " + next.substring(0, 12));
            }
        }
        seen.add("server got "
                + web.received().stream().map(r -> r.request().target()).toList());
        return seen;
    }

    @Test
    void theAnswerComesAfterTheTarpitAsInHaproxy() throws Exception {
        FjordProxy proxy = fjord.start(config("127.0.0.1:0"), b -> b.accessLog((entry, line) -> entries.add(entry)));
        List<String> byFjord = run(proxy.addresses("fe").get(0));

        assertThat(byFjord)
                .containsExactly(
                        "/bot/login HTTP/1.1 500 held, then HTTP/1.1 200",
                        "/api/x HTTP/1.1 429 held, then HTTP/1.1 200",
                        "/ok HTTP/1.1 200 at once, then HTTP/1.1 200",
                        "server got [/next, /next, /ok, /next]");
        awaitEntries(6);
        assertThat(entries.stream().map(e -> e.status() + " " + e.termination().substring(0, 2)))
                .containsExactly("500 PT", "200 --", "429 PT", "200 --", "200 --", "200 --");
        assertThat(proxy.router().frontendCounters("fe").deniedRequests()).isEqualTo(2);

        web.clear();
        HaproxyProcess.seesTheSame(byFjord, dir, this::config, this::run);
    }

    @Test
    void aRequestWithABodyIsAnsweredAfterTheTarpitAsWell() throws Exception {
        FjordProxy proxy = fjord.start(config("127.0.0.1:0"), b -> b.accessLog((entry, line) -> entries.add(entry)));
        try (RawClient client = new RawClient(proxy.addresses("fe").get(0)).timeout(5_000)) {
            long start = System.nanoTime();
            // the body is whole before the tarpit ends: the answer still waits for it, then the connection serves on
            String response = client.send("POST /bot HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
                    .readResponse();
            assertThat(response).startsWith("HTTP/1.1 500");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                    .isGreaterThanOrEqualTo(TARPIT_MILLIS - 20);
            assertThat(client.send("GET /next HTTP/1.1\r\nHost: a\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 200");
        }
        awaitEntries(2);
        assertThat(entries.get(0).termination()).startsWith("PT");
        assertThat(web.received().stream().map(r -> r.request().target()).toList())
                .containsExactly("/next");
    }

    @Test
    void aClientThatResetsDuringTheTarpitEndsItAndIsLoggedPtAsInHaproxy() throws Exception {
        FjordProxy proxy = fjord.start(config("127.0.0.1:0"), b -> b.accessLog((entry, line) -> entries.add(entry)));
        long start = System.nanoTime();
        try (RawClient client = new RawClient(proxy.addresses("fe").get(0))) {
            client.send("GET /bot HTTP/1.1\r\nHost: a\r\n\r\n");
            TimeUnit.MILLISECONDS.sleep(50); // the request is in the tarpit before the client leaves
            client.reset();
        }
        awaitEntries(1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as("logged when the client left, not after the tarpit")
                .isLessThan(TARPIT_MILLIS);
        assertThat(entries.get(0).termination()).startsWith("PT");
        assertThat(web.received()).isEmpty();
    }

    private void awaitEntries(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (entries.size() < count && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5); // the log line follows the exchange's end: a bounded wait for it
        }
        assertThat(entries).hasSizeGreaterThanOrEqualTo(count);
    }
}
