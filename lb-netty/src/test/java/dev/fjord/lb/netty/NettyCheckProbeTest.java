package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.fjord.lb.core.CheckResult;
import dev.fjord.lb.core.CheckStatus;
import dev.fjord.lb.core.HttpCheck;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.SettingsBuilder;
import dev.fjord.lb.core.TcpCheck;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NettyCheckProbeTest {
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final NettyCheckProbe probe = new NettyCheckProbe(loops);
    private final MockWebServer web = new MockWebServer();

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        web.close();
    }

    private static Server server(int port, Consumer<SettingsBuilder<?>> settings) {
        return Router.of(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP)
                                .timeoutConnect(Duration.ofSeconds(2))
                                .timeoutCheck(Duration.ofMillis(1500)))
                        .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                        .backend("app", b -> {
                            settings.accept(b);
                            b.server("web1", "127.0.0.1:" + port, s -> s.check());
                        })
                        .build())
                .backend("app")
                .requireServer("web1");
    }

    private CheckResult check(Server server, HttpCheck check) throws Exception {
        CompletableFuture<CheckResult> result = new CompletableFuture<>();
        probe.check(server, check, result::complete);
        return result.get(5, TimeUnit.SECONDS);
    }

    @Test
    void tcpChecksConnect() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            assertThat(check(server(open.getLocalPort(), b -> {}), null).status())
                    .isEqualTo(CheckStatus.L4OK);
        }
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        CheckResult refused = check(server(closed, b -> {}), null);
        assertThat(refused.status()).isEqualTo(CheckStatus.L4CON);
        assertThat(refused.detail()).isEqualTo("Connection refused");
    }

    @Test
    void httpChecksJudgeTheResponse() throws Exception {
        web.enqueue(new MockResponse.Builder().body("OK").build());
        web.enqueue(new MockResponse.Builder().code(500).build());
        web.enqueue(new MockResponse.Builder().code(404).build());
        web.enqueue(new MockResponse.Builder().body("database: down").build());
        web.enqueue(new MockResponse.Builder().headersDelay(4, TimeUnit.SECONDS).build());
        web.start(InetAddress.getLoopbackAddress(), 0);
        Server server = server(web.getPort(), b -> {});
        HttpCheck check = HttpCheck.get("/health_check.php").version("HTTP/1.1").header("X-Check", "fjord");

        CheckResult ok = check(server, check);
        assertThat(ok.status()).isEqualTo(CheckStatus.L7OK);
        assertThat(ok.code()).isEqualTo(200);
        var recorded = web.takeRequest(5, TimeUnit.SECONDS);
        assertThat(recorded.getRequestLine()).isEqualTo("GET /health_check.php HTTP/1.1");
        assertThat(recorded.getHeaders().get("Host")).isEqualTo("127.0.0.1:" + web.getPort());
        assertThat(recorded.getHeaders().get("X-Check")).isEqualTo("fjord");
        assertThat(check(server, check).status()).isEqualTo(CheckStatus.L7STS);
        assertThat(check(server, check.disableOn404()).status()).isEqualTo(CheckStatus.L7OKC);
        assertThat(check(server, check.expect(HttpCheck.Expect.string("database: ok")))
                        .status())
                .isEqualTo(CheckStatus.L7RSP);
        assertThat(check(server, check).status()).isEqualTo(CheckStatus.L7TOUT);
    }

    @Test
    void tcpCheckScriptsSendAndExpect() throws Exception {
        try (EchoServer echo = new EchoServer("redis")) {
            Server passing = server(
                    echo.port(),
                    b -> b.tcpCheck(TcpCheck.create()
                            .expectString("redis")
                            .send("PING\r\n")
                            .expectRegex("P.NG")));
            assertThat(check(passing, null).status()).isEqualTo(CheckStatus.L7OK);

            Server failing =
                    server(echo.port(), b -> b.tcpCheck(TcpCheck.create().expectNoString("redis")));
            assertThat(check(failing, null).status()).isEqualTo(CheckStatus.L7RSP);

            Server silent =
                    server(echo.port(), b -> b.tcpCheck(TcpCheck.create().expectString("+PONG")));
            assertThat(check(silent, null).status()).isEqualTo(CheckStatus.L7TOUT);
        }
    }
}
