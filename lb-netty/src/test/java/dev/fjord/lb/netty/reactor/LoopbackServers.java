package dev.fjord.lb.netty.reactor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.reactivestreams.Publisher;

import dev.fjord.lb.core.BackendConfig;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Reactor Netty servers on 127.0.0.1 (port 0) that count what they receive and answer as told: a recording fake of
 * a backend's web nodes. Registered as a JUnit extension ({@code @RegisterExtension}), it closes the clients made
 * with {@link #client} and disposes every node still running after each test.
 */
final class LoopbackServers implements AfterEachCallback {
    private final List<Node> nodes = new ArrayList<>();
    private final List<FjordHttpClient> clients = new ArrayList<>();

    /** How a node answers. */
    @FunctionalInterface
    interface Behavior {
        Publisher<Void> answer(Node node, HttpServerResponse response);
    }

    /** 200 with the node's name as the body. */
    static Behavior ok() {
        return (node, response) -> response.sendString(Mono.just(node.name));
    }

    /** {@code status} with the node's name as the body. */
    static Behavior status(int status) {
        return (node, response) -> response.status(status).sendString(Mono.just(node.name));
    }

    /** Closes the connection without answering (a reset before the response). */
    static Behavior reset() {
        return (node, response) -> Mono.<Void>fromRunnable(
                        () -> response.withConnection(c -> c.channel().close()))
                .then(Mono.never());
    }

    /**
     * 200 with the node's name, after {@code delay}. The body is made only once the delay is over and the connection
     * still open: made earlier, Reactor Netty does not release it when the node is stopped in between (a leak the
     * leak check would blame on the test).
     */
    static Behavior slow(Duration delay) {
        return (node, response) -> Mono.delay(delay).flatMap(tick -> {
            boolean[] open = {false};
            response.withConnection(connection -> open[0] = !connection.isDisposed());
            return open[0] ? Mono.from(response.sendString(Mono.just(node.name))) : Mono.<Void>empty();
        });
    }

    /** 200 with the node's name once {@code gate} completes. */
    static Behavior heldUntil(Sinks.Empty<Void> gate) {
        return (node, response) -> response.sendString(gate.asMono().then(Mono.just(node.name)));
    }

    /** A running node. */
    static final class Node {
        final String name;
        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        volatile Behavior behavior;
        DisposableServer server;
        /** Its connections, to close them all when it is killed (disposing a server leaves them open). */
        final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

        Node(String name, Behavior behavior) {
            this.name = name;
            this.behavior = behavior;
        }

        /** {@code 127.0.0.1:PORT}. */
        String address() {
            return "127.0.0.1:" + server.port();
        }

        /** Stops the node at once, closing its connections (a crash, for the clients). */
        void kill() {
            server.disposeNow(Duration.ofSeconds(5));
            connections.close().awaitUninterruptibly(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Starts a node answering as {@code behavior} says. */
    Node start(String name, Behavior behavior) {
        Node node = new Node(name, behavior);
        node.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .channelGroup(node.connections)
                .handle((request, response) -> {
                    node.received.incrementAndGet();
                    node.maxInFlight.accumulateAndGet(node.inFlight.incrementAndGet(), Math::max);
                    return Mono.from(node.behavior.answer(node, response))
                            .doFinally(signal -> node.inFlight.decrementAndGet());
                })
                .bindNow(Duration.ofSeconds(10));
        nodes.add(node);
        return node;
    }

    /** An address where nothing listens: a node started and stopped. */
    String deadAddress() {
        Node node = start("dead", ok());
        node.kill();
        return node.address();
    }

    /** Waits until {@code condition} holds, polling, for at most {@code timeout}; false when it never did. */
    static boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    /** A client of a backend {@code app} configured by {@code spec}, closed after the test. */
    FjordHttpClient client(Consumer<BackendConfig.Builder> spec) {
        return client(FjordHttpClient.builder("app", spec));
    }

    /** The client {@code builder} makes, closed after the test. */
    FjordHttpClient client(FjordHttpClient.Builder builder) {
        FjordHttpClient client = builder.build();
        clients.add(client);
        return client;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        clients.forEach(FjordHttpClient::close);
        for (Node node : nodes) {
            if (!node.server.isDisposed()) {
                node.kill();
            }
        }
    }
}
