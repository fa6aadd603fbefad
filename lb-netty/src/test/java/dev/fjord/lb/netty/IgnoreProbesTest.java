package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code option http-ignore-probes}: a browser's pre-connect that never sends a request is closed in silence, neither
 * answered 408 nor logged; without the option it gets both.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IgnoreProbesTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final List<String> lines = new CopyOnWriteArrayList<>();

    private FjordProxy start(String option) {
        return fjord.start("""
                defaults
                    mode http
                    log global
                    option httplog
                    timeout http-request 300ms
                    timeout client 5s
                frontend main
                    bind 127.0.0.1:0
                    %s
                    http-request return status 200 content-type text/plain string fine
                """.formatted(option), b -> b.accessLog((entry, line) -> lines.add(line)));
    }

    @Test
    void aConnectionThatSendsNothingIsClosedWithoutA408OrALogLine() throws IOException, InterruptedException {
        FjordProxy proxy = start("option http-ignore-probes");

        try (RawClient probe = new RawClient(proxy.address("main")).timeout(5000)) {
            assertThat(probe.readUntilClose()).isEmpty();
        }
        try (RawClient client = new RawClient(proxy.address("main")).timeout(5000)) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(client.readUntilClose()).startsWith("HTTP/1.1 200").endsWith("fine");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lines.isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertThat(lines).hasSize(1).allMatch(line -> line.contains("GET / HTTP/1.1"));
    }

    @Test
    void withoutTheOptionTheSilentConnectionGetsA408AndALogLineAsInHaproxy() throws IOException, InterruptedException {
        FjordProxy proxy = start("");

        try (RawClient probe = new RawClient(proxy.address("main")).timeout(5000)) {
            assertThat(probe.readUntilClose()).startsWith("HTTP/1.1 408");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lines.isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        // as HAProxy 2.6 logs it: main main/<NOSRV> -1/-1/-1/-1/302 408 0 - - cR-- 1/1/0/0/0 0/0 "<BADREQ>"
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .contains(" main main/<NOSRV> -1/-1/-1/-1/")
                .contains(" 408 ")
                .contains(" - - cR-- ")
                .endsWith(" \"<BADREQ>\"");
    }

    @Test
    void dontlognullAnswersTheSilentConnectionA408WithoutALogLine() throws IOException, InterruptedException {
        FjordProxy proxy = start("option dontlognull");

        try (RawClient probe = new RawClient(proxy.address("main")).timeout(5000)) {
            assertThat(probe.readUntilClose()).startsWith("HTTP/1.1 408");
        }
        try (RawClient client = new RawClient(proxy.address("main")).timeout(5000)) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(client.readUntilClose()).endsWith("fine");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lines.isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertThat(lines).hasSize(1).allMatch(line -> line.contains("GET / HTTP/1.1")); // as HAProxy 2.6
    }
}
