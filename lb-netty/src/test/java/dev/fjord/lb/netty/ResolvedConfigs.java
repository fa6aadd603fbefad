package dev.fjord.lb.netty;

import java.util.Map;

import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.haproxy.HaproxyImport;

/** The haproxy.cfg of the DNS tests: one resolvers section, one frontend on port 0, one backend of one server line. */
final class ResolvedConfigs {
    private ResolvedConfigs() {}

    /**
     * {@code resolvers dns} with a name server at 127.0.0.1:{@code nameserverPort} and {@code resolversLines} (each
     * line of it indented by the caller's text block), HTTP defaults, frontend {@code main} and backend {@code app}
     * holding {@code serverLine}.
     */
    static ProxyConfig of(int nameserverPort, String resolversLines, String serverLine) {
        String cfg = """
                resolvers dns
                    nameserver local 127.0.0.1:%d
                %s
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend main
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    %s
                """.formatted(nameserverPort, resolversLines.stripTrailing(), serverLine);
        return HaproxyImport.parse(cfg, "haproxy.cfg", Map.of()).builder().build();
    }
}
