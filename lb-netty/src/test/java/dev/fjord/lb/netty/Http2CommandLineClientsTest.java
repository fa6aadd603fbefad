package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real command-line HTTP/2 clients against a {@code proto h2} bind: {@code curl --http2-prior-knowledge} (a request,
 * bodies both ways), and {@code h2load} as a load note (no timed assertion). Each test skips, with the reason, where
 * its client is not installed. Processes are started here and destroyed here when they overrun.
 *
 * <p>One transfer per curl: Debian 12's curl 7.88.1 fails a second transfer on a prior-knowledge connection
 * ({@code --parallel}, or two URLs) with "(16) Error in the HTTP2 framing layer" before sending it, against HAProxy
 * 2.6 alike; many streams on one connection are tested with Netty's client ({@link Http2ProxyTest}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http2CommandLineClientsTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer web = fjord.recordingServer();

    @TempDir
    Path dir;

    private String start() {
        FjordProxy proxy = fjord.start("defaults\n    mode http\n    timeout connect 1s\n    timeout client 10s\n"
                + "    timeout server 10s\nfrontend main\n    bind 127.0.0.1:0 proto h2\n    default_backend app\n"
                + "backend app\n    cookie SERVERID insert indirect nocache\n    server web1 " + web.address()
                + " cookie s1\n");
        return "http://127.0.0.1:" + proxy.address("main").getPort();
    }

    /** Runs {@code command}, waiting up to 60 s; its output (stdout, then stderr), or null when it is missing. */
    private String run(List<String> command) throws IOException, InterruptedException {
        Path out = dir.resolve("out.txt");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
        } catch (IOException missing) {
            return null;
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS); // the process this test started
            throw new IOException(command.get(0) + " did not finish in 60 s");
        }
        return Files.readString(out, StandardCharsets.ISO_8859_1);
    }

    private void assumeCurlSpeaksHttp2() throws Exception {
        String version = run(List.of("curl", "-V"));
        assumeTrue(version != null, "curl is not installed");
        assumeTrue(
                version.contains("HTTP2"),
                "this curl has no HTTP/2: " + version.lines().findFirst().orElse(""));
    }

    @Test
    void curlWithPriorKnowledgeGetsItsResponse() throws Exception {
        assumeCurlSpeaksHttp2();
        web.respond(request -> RecordingHttpServer.response(request, 200, "hello " + request.target()));
        String base = start();

        String answer = run(List.of(
                "curl", "-sS", "--http2-prior-knowledge", "-D", "-", "-w", "\n%{http_version}\n", base + "/one"));

        assertThat(answer)
                .startsWith("HTTP/2 200")
                .contains("set-cookie: SERVERID=s1; path=/")
                .contains("hello /one")
                .endsWith("\n2\n");
        ReferenceHttp.Request forwarded = web.await(1, 5000).get(0).request();
        assertThat(forwarded.version()).isEqualTo("HTTP/1.1");
        assertThat(forwarded.header("Host")).startsWith("127.0.0.1:");
    }

    @Test
    void curlPostsAndGetsALargeBody() throws Exception {
        assumeCurlSpeaksHttp2();
        web.respond(Http2ProxyTest::echo);
        String base = start();
        byte[] body = new byte[2 << 20];
        new Random(7).nextBytes(body);
        Path upload = Files.write(dir.resolve("upload.bin"), body);
        Path download = dir.resolve("download.bin");

        String answer = run(List.of(
                "curl",
                "-sS",
                "--http2-prior-knowledge",
                "--data-binary",
                "@" + upload,
                "-o",
                download.toString(),
                "-w",
                "%{http_version} %{http_code}",
                base + "/echo"));

        assertThat(answer).isEqualTo("2 200");
        assertThat(Files.readAllBytes(download)).isEqualTo(body);
    }

    /** A load note for the README, not a benchmark with limits: prints h2load's summary, asserts only success. */
    @Test
    void h2loadNote() throws Exception {
        String version = run(List.of("h2load", "--version"));
        assumeTrue(version != null, "h2load is not installed (Debian's nghttp2-client): no HTTP/2 load note");
        String base = start();

        String summary = run(List.of("h2load", "-n", "20000", "-c", "10", "-m", "10", base + "/"));

        System.out.println("h2load -n 20000 -c 10 -m 10 through Fjord:\n" + summary);
        assertThat(summary).contains("20000 succeeded");
    }
}
