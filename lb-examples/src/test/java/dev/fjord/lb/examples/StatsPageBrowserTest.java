package dev.fjord.lb.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.fjord.lb.core.AdminState;
import dev.fjord.lb.core.Condition;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.netty.FjordProxy;

/**
 * The stats page in a real browser (Debian's headless Chromium): refused without credentials, both servers green
 * after logging in, web1 drained with the admin form while traffic keeps flowing, a screenshot saved in
 * {@code target/stats-page.png}. Skips when chromium or chromedriver is not installed ({@code .ci/run} installs them).
 */
class StatsPageBrowserTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void operatorDrainsWeb1FromTheStatsPage() throws Exception {
        assumeTrue(
                Files.isExecutable(WebDriver.CHROMEDRIVER) && Files.isExecutable(WebDriver.CHROMIUM),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        try (DemoWebNode web1 = DemoWebNode.start("web1", "127.0.0.1", 0);
                DemoWebNode web2 = DemoWebNode.start("web2", "127.0.0.1", 0)) {
            ProxyConfig config = ReferenceCluster.builder()
                    .global(g -> g.statsSocket(ReferenceCluster.localStatsSocket()))
                    .editFrontend("main", f -> f.clearBinds().bind("127.0.0.1:0"))
                    .editListen(
                            "stats",
                            l -> l.clearBinds().bind("127.0.0.1:0").stats(s -> s.admin(Condition.acl("LOCALHOST"))))
                    .editBackend(
                            "app",
                            b -> b.editServer(
                                            "web1",
                                            s -> s.address("127.0.0.1:"
                                                    + web1.address().getPort()))
                                    .editServer(
                                            "web2",
                                            s -> s.address("127.0.0.1:"
                                                    + web2.address().getPort())))
                    .build();
            try (FjordProxy proxy =
                            FjordProxy.builder(Router.of(config)).ioThreads(1).start();
                    WebDriver browser = new WebDriver()) {
                int statsPort = proxy.address("stats").getPort();
                List<Integer> statuses = new CopyOnWriteArrayList<>();
                AtomicBoolean running = new AtomicBoolean(true);
                Thread traffic = trafficTo(proxy.address("main").getPort(), running, statuses);

                browser.open("http://127.0.0.1:" + statsPort + "/");
                assertThat(browser.script("return performance.getEntriesByType('navigation')[0].responseStatus"))
                        .isEqualTo("401"); // refused without credentials

                browser.open("http://admin:" + ReferenceCluster.STATS_PASSWORD + "@127.0.0.1:" + statsPort + "/");
                assertThat(rowClass(browser, "app/web1")).isEqualTo("\"active_up\"");
                assertThat(rowClass(browser, "app/web2")).isEqualTo("\"active_up\"");

                browser.script("var apply = document.getElementById('apply-app');"
                        + "apply.form.querySelector('input[name=s][value=web1]').checked = true;"
                        + "apply.form.querySelector('select[name=action]').value = 'drain';"
                        + "apply.click(); return true;");
                waitFor(browser, "return location.href.indexOf(';st=DONE') >= 0");
                assertThat(rowClass(browser, "app/web1")).isEqualTo("\"draining\"");
                assertThat(rowClass(browser, "app/web2")).isEqualTo("\"active_up\"");
                assertThat(proxy.router().backend("app").requireServer("web1").adminState())
                        .isEqualTo(AdminState.DRAIN);
                browser.screenshot(Path.of("target", "stats-page.png"));

                running.set(false);
                traffic.join(10_000);
                assertThat(statuses).isNotEmpty().containsOnly(200);
                assertThat(Path.of("target", "stats-page.png")).isNotEmptyFile();
            }
        }
    }

    private static String rowClass(WebDriver browser, String id) throws Exception {
        return browser.script("var row = document.getElementById('" + id + "'); return row ? row.className : null");
    }

    private static void waitFor(WebDriver browser, String condition) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!browser.script(condition).equals("true")) {
            assertThat(System.nanoTime()).as("waiting for: %s", condition).isLessThan(end);
        }
    }

    /** A client sending requests without pause until told to stop (at most 2 minutes), recording statuses. */
    private static Thread trafficTo(int port, AtomicBoolean running, List<Integer> statuses) {
        Thread thread = new Thread(
                () -> {
                    HttpClient http = HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(2))
                            .build();
                    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                    while (running.get() && System.nanoTime() < end) {
                        try {
                            statuses.add(http.send(
                                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                                    .timeout(Duration.ofSeconds(5))
                                                    .build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode());
                        } catch (Exception e) {
                            statuses.add(-1);
                        }
                    }
                },
                "traffic");
        thread.start();
        return thread;
    }
}
