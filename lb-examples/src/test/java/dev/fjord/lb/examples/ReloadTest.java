package dev.fjord.lb.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config FILE} in its own JVM: {@code SIGHUP} reads FILE again; a bad FILE is refused, nothing lost. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReloadTest {
    @TempDir
    Path dir;

    @Test
    void aHangupReloadsTheFileAndABadFileKeepsTheRunningConfiguration() throws Exception {
        try (DemoWebNode blue = DemoWebNode.start("blue", "127.0.0.1", 0);
                DemoWebNode green = DemoWebNode.start("green", "127.0.0.1", 0)) {
            int port = freePort();
            Path file = dir.resolve("haproxy.cfg");
            Files.writeString(file, config(port, "web1", blue.address().getPort()));
            Process fjord = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            "dev.fjord.lb.examples.Main",
                            "--config",
                            file.toString())
                    .redirectErrorStream(true)
                    .start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> readLines(fjord, lines), "fjord-output");
            reader.setDaemon(true);
            reader.start();
            try {
                assumeTrue(
                        awaitLine(lines, "Fjord is running").contains("kill -HUP"),
                        "SIGHUP was ignored when the proxy started (this test JVM started under nohup?): it cannot"
                                + " handle it");
                assertThat(get(port)).startsWith("Hello from blue");

                Files.writeString(file, config(port, "web2", green.address().getPort()));
                hangup(fjord);
                assertThat(awaitLine(lines, "Reloaded ")).contains("servers +[app/web2] -[app/web1]");
                assertThat(get(port)).startsWith("Hello from green");

                Files.writeString(
                        file, config(port, "web2", green.address().getPort()).replace("weight 10", "weight 300"));
                hangup(fjord);
                assertThat(awaitLine(lines, "Reload refused"))
                        .contains("haproxy.cfg:10:", "server 'web2': weight 300 (expected: 0-256)");
                assertThat(get(port)).startsWith("Hello from green");
                assertThat(fjord.isAlive()).isTrue();
            } finally {
                fjord.destroy();
                fjord.waitFor(10, TimeUnit.SECONDS);
                fjord.destroyForcibly();
            }
        }
    }

    private static String config(int port, String server, int serverPort) {
        return """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                frontend main
                    bind 127.0.0.1:%d
                    default_backend app
                backend app
                    server %s 127.0.0.1:%d weight 10
                """.formatted(port, server, serverPort);
    }

    private static void hangup(Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static String get(int port) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static String awaitLine(BlockingQueue<String> lines, String start) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<String> seen = new java.util.ArrayList<>();
        while (System.nanoTime() < end) {
            String line = lines.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            seen.add(line);
            if (line.startsWith(start)) {
                return line;
            }
        }
        throw new AssertionError("no line starting with '" + start + "' in 20 s; output: " + seen);
    }

    private static void readLines(Process process, BlockingQueue<String> lines) {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(output closed: " + e + ")");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
