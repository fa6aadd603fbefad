/**
 * The Fjord transport: runs a {@code dev.fjord.lb.core} configuration as an HTTP and TCP proxy on Netty
 * ({@link dev.fjord.lb.netty.FjordProxy}), with health probes, the stats page and runtime socket, access logs to
 * syslog targets, and a Micrometer binding ({@link dev.fjord.lb.netty.FjordMetrics}). An HTTP request goes through
 * {@code StrictRequestDecoder} (parsing, refusals), {@code HttpProxyHandler} (one client connection) and
 * {@code HttpExchange} with its stages ({@code ServerLeg}, {@code RequestRelay}, {@code ResponseRelay},
 * {@code RetryPolicy}); only the public types here are API.
 */
@NullMarked
package dev.fjord.lb.netty;

import org.jspecify.annotations.NullMarked;
