package dev.fjord.lb.netty;

import java.util.Map;
import java.util.function.Consumer;

import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.haproxy.HaproxyImport;

/** Proxies for tests, started from haproxy.cfg text on one event-loop thread (so connection reuse is predictable). */
final class TestProxies {
    private TestProxies() {
    }

    /** Starts the proxy {@code cfg} describes, with {@code options} applied to its builder. */
    static FjordProxy start(String cfg, Consumer<FjordProxy.Builder> options) {
        FjordProxy.Builder builder = FjordProxy.builder(Router.of(HaproxyImport.parse(cfg, "haproxy.cfg", Map.of())
                .builder().build())).ioThreads(1);
        options.accept(builder);
        return builder.start();
    }

    static FjordProxy start(String cfg) {
        return start(cfg, b -> { });
    }
}
