package example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * {@link ShopProxy#main} in a JVM of its own, as a user runs it: it proxies one request and exits 0. The project has
 * no SLF4J provider, as a new user's may not: Fjord's start line and access log still reach the console, through the
 * JDK's logging.
 */
class ShopProxyMainTest {

    @Test
    void mainProxiesOneRequestAndExitsZero() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "example.ShopProxy")
                .redirectErrorStream(true).start();

        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(exited).as("exited within 60 s; output:%n%s", output).isTrue();
        assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
        assertThat(output).contains("proxied GET /cart: 200 'web1 /cart', SERVERID=s1");
        assertThat(output).contains("INFO: Fjord started: FjordProxy{main=").contains(" main app/web1 ")
                .contains("\"GET /cart HTTP/1.1\"");
    }
}
