/**
 * Fjord's core: the configuration model and its fluent builders, ACLs and routing, balancing and stickiness,
 * and the run-time state of backends and servers. Pure Java: no sockets, no threads, no clock reads (time comes
 * from an injected {@link dev.fjord.lb.core.Ticker}), so everything here can be unit-tested in-process.
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
