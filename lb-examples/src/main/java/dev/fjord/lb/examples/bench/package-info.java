/**
 * The proxies the load benchmark runs: Fjord on the reference cluster, and a bare Reactor Netty proxy as a baseline.
 */
@NullMarked
package dev.fjord.lb.examples.bench;

import org.jspecify.annotations.NullMarked;
