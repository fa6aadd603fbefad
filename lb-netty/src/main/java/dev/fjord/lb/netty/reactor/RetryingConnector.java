package dev.fjord.lb.netty.reactor;

import java.util.function.Function;

import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.util.retry.Retry;

/**
 * The {@code HttpClient.mapConnect} step that makes a call out of attempts. Reactor Netty's connect {@code Mono}
 * covers acquiring a connection, sending the request and receiving the response head, and it emits the connection
 * only once the head has arrived; each subscription starts over, asking the connection provider again (which picks
 * a server again) and re-sending the request. So a failure before the head, or a head with a {@code retry-on}
 * status, is retried here by subscribing again, as {@link Call} rules. The call lives in the Reactor
 * {@code Context} that the provider and the request and response hooks read.
 */
final class RetryingConnector implements Function<Mono<? extends Connection>, Mono<? extends Connection>> {
    private final ClientRuntime runtime;

    RetryingConnector(ClientRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Mono<? extends Connection> apply(Mono<? extends Connection> connect) {
        return Mono.deferContextual(context -> {
            Call call = new Call(runtime, context);
            return connect.<Connection>map(connection -> connection)
                    .flatMap(connection -> {
                        if (!call.retryOnStatus()) {
                            return Mono.just(connection);
                        }
                        Attempt attempt = java.util.Objects.requireNonNull(call.current());
                        connection.dispose(); // the response is dropped with its connection
                        return Mono.error(new Call.RetryableStatus(attempt.server(), call.status()));
                    })
                    .retryWhen(Retry.from(signals -> signals.concatMap(signal -> call.retryOnError(signal.failure())
                            ? Mono.just(signal.totalRetries())
                            : Mono.error(signal.failure()))))
                    .contextWrite(ctx -> ctx.put(runtime, call));
        });
    }
}
