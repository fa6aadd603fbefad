package dev.fjord.lb.netty;

import dev.fjord.lb.core.Counters;
import dev.fjord.lb.core.StickCounters;

/**
 * The client connection (or HTTP/2 stream) an {@link HttpExchange} belongs to, as the exchange sees it: told once
 * when the exchange is over, with whether the client connection stays open. Calls on the connection's event loop.
 */
interface ExchangeCompletion {
    void exchangeDone(HttpExchange exchange, boolean keepAlive);

    /** The counters of the connection's frontend (kept by the connection: its frontend may be removed). */
    Counters frontendCounters();

    /** The connection's sticky counters, which the request is routed and tracked with. */
    StickCounters stickCounters();
}
