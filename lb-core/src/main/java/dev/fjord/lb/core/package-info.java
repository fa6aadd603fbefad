/**
 * Fjord's core: the configuration model and its fluent builders ({@link dev.fjord.lb.core.ProxyConfig} and the
 * settings, ACLs, rules and checks it holds), routing ({@link dev.fjord.lb.core.Router}, whose
 * {@link dev.fjord.lb.core.RouteDecision} says what to do with a request), balancing and stickiness, stick tables
 * with their counters ({@link dev.fjord.lb.core.StickTable}, {@link dev.fjord.lb.core.StickCounters}), the run-time
 * state of backends and servers with their {@link dev.fjord.lb.core.HealthChecks} and
 * {@link dev.fjord.lb.core.ServerEvent}s, and the stats and log formats. Pure Java: no sockets, no threads, no clock
 * reads (time comes from an injected {@link dev.fjord.lb.core.Ticker} and {@link dev.fjord.lb.core.Scheduler}), so
 * everything here can be unit-tested in-process. A haproxy.cfg is read into the same builders by
 * {@code dev.fjord.lb.core.haproxy}.
 *
 * <pre>{@code
 * ProxyConfig config = ProxyConfig.builder()
 *     .defaults(d -> d.mode(Mode.HTTP))
 *     .frontend("main", f -> f.bind("*:80").defaultBackend("app"))
 *     .backend("app", b -> b.cookie(Cookie.insert("SERVERID").indirect().noCache())
 *         .server("web1", "10.0.0.11:80", s -> s.cookie("s1"))
 *         .server("web2", "10.0.0.12:80", s -> s.cookie("s2")))
 *     .build();
 * RouteDecision decision = Router.of(config).route(RequestHead.get("/"));
 * }</pre>
 */
@NullMarked
package dev.fjord.lb.core;

import org.jspecify.annotations.NullMarked;
