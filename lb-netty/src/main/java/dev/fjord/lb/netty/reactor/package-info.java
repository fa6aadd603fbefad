/**
 * The Reactor Netty binding: a load-balanced Reactor Netty {@code HttpClient} over a Fjord backend
 * ({@link dev.fjord.lb.netty.reactor.FjordHttpClient}), and a {@code FjordProxy} on the application's own Reactor
 * Netty event loops ({@link dev.fjord.lb.netty.reactor.ReactorEventLoops}).
 *
 * <p>Needs {@code io.projectreactor.netty:reactor-netty-http} on the class path, an optional dependency of
 * {@code lb-netty} that the application adds itself; the rest of {@code lb-netty} never loads these classes.
 */
@NullMarked
package dev.fjord.lb.netty.reactor;

import org.jspecify.annotations.NullMarked;
