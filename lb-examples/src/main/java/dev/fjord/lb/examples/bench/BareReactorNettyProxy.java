package dev.fjord.lb.examples.bench;

import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpHeaderNames;

import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The load benchmark's baseline: a bare Reactor Netty reverse proxy, round robin over two backends, bodies
 * streamed both ways, nothing else (no parsing rules, no cookies, no limits). The transport's ceiling.
 *
 * <p>Usage: {@code BareReactorNettyProxy PORT BACKEND1 BACKEND2} (backends as {@code host:port}).
 */
public final class BareReactorNettyProxy {
    private BareReactorNettyProxy() {}

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        String[] backends = {args[1], args[2]};
        LoopResources loop = LoopResources.create("bare", 1, 1, true);
        HttpClient client = HttpClient.create(
                        ConnectionProvider.builder("bare").maxConnections(1024).build())
                .runOn(loop);
        AtomicInteger next = new AtomicInteger();
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .runOn(loop)
                .handle((request, response) -> {
                    String backend = backends[Math.floorMod(next.getAndIncrement(), backends.length)];
                    return client.headers(h -> h.set(request.requestHeaders()))
                            .request(request.method())
                            .uri("http://" + backend + request.uri())
                            .send(request.receive().retain())
                            .response((serverResponse, body) -> {
                                response.status(serverResponse.status());
                                response.headers(serverResponse
                                        .responseHeaders()
                                        .remove(HttpHeaderNames.TRANSFER_ENCODING)
                                        .remove(HttpHeaderNames.CONNECTION));
                                return response.send(body.retain());
                            })
                            .then();
                })
                .bindNow();
        System.out.println("bare Reactor Netty proxy on " + server.address());
        server.onDispose().block();
    }
}
