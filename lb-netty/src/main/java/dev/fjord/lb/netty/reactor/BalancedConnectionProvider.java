package dev.fjord.lb.netty.reactor;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import io.netty.resolver.AddressResolverGroup;

import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.TransportConfig;

/**
 * The {@link ConnectionProvider} under a {@link FjordHttpClient}'s {@code HttpClient}: for each connection the
 * client asks for (one per attempt; Reactor Netty asks from inside the call's subscription, so the call's
 * {@code Context} is here), it chooses the server, waits for one of its slots, then takes a pooled keep-alive
 * connection to it from a real Reactor Netty pool, whatever address the request's URI names (that one only goes into
 * the {@code Host} header). The attempt observes the connection until it is released or closed.
 *
 * <p>HTTP/1.1 only: a slot is a connection carrying one exchange at a time.
 */
final class BalancedConnectionProvider implements ConnectionProvider {
    private final ClientRuntime runtime;
    private final ConnectionProvider pool;

    BalancedConnectionProvider(ClientRuntime runtime, ConnectionProvider pool) {
        this.runtime = runtime;
        this.pool = pool;
    }

    @Override
    public Mono<? extends Connection> acquire(
            TransportConfig config,
            ConnectionObserver observer,
            @Nullable Supplier<? extends SocketAddress> remoteAddress,
            @Nullable AddressResolverGroup<?> resolver) {
        return Mono.deferContextual(context -> {
            Call found = Call.in(runtime, context);
            Call call = found != null ? found : new Call(runtime, context);
            Attempt attempt;
            try {
                attempt = call.start();
            } catch (FjordClientException e) {
                return Mono.error(e);
            }
            InetSocketAddress address = runtime.address(attempt.server());
            return attempt.awaitSlot()
                    .then(Mono.defer(() -> pool.acquire(config, observer.then(attempt), () -> address, resolver)))
                    .<Connection>map(connection -> connection)
                    .doOnNext(attempt::connected)
                    .doOnError(error -> {
                        attempt.failed(error);
                        attempt.end();
                    })
                    .doOnCancel(attempt::end);
        });
    }

    @Override
    public Mono<Void> disposeLater() {
        return pool.disposeLater();
    }

    @Override
    public boolean isDisposed() {
        return pool.isDisposed();
    }

    @Override
    public int maxConnections() {
        return pool.maxConnections();
    }

    @Override
    public @Nullable String name() {
        return pool.name();
    }
}
