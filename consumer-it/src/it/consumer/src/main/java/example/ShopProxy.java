package example;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

import dev.fjord.lb.core.Acl;
import dev.fjord.lb.core.Cookie;
import dev.fjord.lb.core.LogFormat;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.netty.FjordProxy;

/**
 * A consumer's proxy, built with Fjord's fluent API. {@link #main} starts a backend of its own, proxies one request
 * through Fjord to it, checks the answer and returns, so that the JVM exits 0 once everything is closed.
 */
public final class ShopProxy {
    private ShopProxy() {
    }

    /** Static files to {@code static}, everything else to {@code app} with cookie stickiness; any free port. */
    public static ProxyConfig config(String staticServer, String appServer) {
        return ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP).retries(3).redispatch(true))
                .frontend("main", f -> f.bind("127.0.0.1:0").logGlobal(true).logFormat(LogFormat.HTTP)
                        .acl("url_static", Acl.pathEnd(".png", ".css", ".js").ignoreCase())
                        .useBackend("static", "url_static")
                        .defaultBackend("app"))
                .backend("static", b -> b.server("cdn1", staticServer))
                .backend("app", b -> b.cookie(Cookie.insert("SERVERID").indirect().noCache())
                        .server("web1", appServer, s -> s.cookie("s1")))
                .build();
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            byte[] body = ("web1 " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        backend.start();
        String server = "127.0.0.1:" + backend.getAddress().getPort();
        try (FjordProxy proxy = FjordProxy.start(config(server, server))) {
            URI uri = URI.create("http://127.0.0.1:" + proxy.address("main").getPort() + "/cart");
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            String cookie = response.headers().firstValue("Set-Cookie").orElse("");
            if (response.statusCode() != 200 || !response.body().equals("web1 /cart")
                    || !cookie.startsWith("SERVERID=s1")) {
                throw new IllegalStateException("unexpected answer through the proxy: " + response.statusCode()
                        + " " + response.headers().map() + " " + response.body());
            }
            System.out.println("proxied GET /cart: " + response.statusCode() + " '" + response.body() + "', " + cookie);
        } finally {
            backend.stop(0);
        }
    }
}
