package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WebSocketProxyTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final MockWebServer backend = fjord.mockServer();
    private FjordProxy proxy;

    @Test
    void upgradedConnectionIsTunnelledToTheChosenServer() throws Exception {
        backend.enqueue(new MockResponse.Builder()
                .webSocketUpgrade(new WebSocketListener() {
                    @Override
                    public void onMessage(WebSocket webSocket, String text) {
                        webSocket.send("echo: " + text);
                    }

                    @Override
                    public void onClosing(WebSocket webSocket, int code, String reason) {
                        webSocket.close(code, reason);
                    }
                })
                .build());
        proxy = fjord.start(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP).timeoutTunnel(Duration.ofSeconds(10)))
                .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                .backend("app", b -> b.server("ws1", ProxyExtension.address(backend)))
                .build());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        OkHttpClient client =
                new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(5)).build();

        WebSocket socket = client.newWebSocket(
                new Request.Builder()
                        .url("ws://127.0.0.1:" + proxy.address("main").getPort() + "/chat")
                        .build(),
                new WebSocketListener() {
                    @Override
                    public void onMessage(WebSocket webSocket, String text) {
                        received.add(text);
                    }

                    @Override
                    public void onClosed(WebSocket webSocket, int code, String reason) {
                        received.add("closed " + code);
                    }

                    @Override
                    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                        received.add("failure: " + t);
                    }
                });
        socket.send("hello");
        socket.send("again");

        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo: hello");
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo: again");
        assertThat(backend.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Upgrade"))
                .isEqualToIgnoringCase("websocket");
        socket.close(1000, "bye");
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("closed 1000");
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
