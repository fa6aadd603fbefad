package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.haproxy.HaproxyImport;

class RoutingHeadersTest {
    @Test
    void theHeadersAFrontendsRoutingReadsOrWrites() {
        ProxyConfig config =
                HaproxyImport.parse("""
                frontend main
                    mode http
                    bind :80
                    acl api hdr_beg(X-Api-Version) 2
                    acl big hdr_cnt(X-Many) gt 3
                    http-request deny if { hdr(X-Admin) -m found } !{ req.cook(session) -m found }
                    http-request set-header X-Client-Verified 0
                    http-request del-header X-Internal-User
                    use_backend api if api or big
                    default_backend app
                backend api
                    mode http
                    option forwardfor header X-Real-Client
                    balance hdr(X-Tenant)
                    server a 127.0.0.1:1
                backend app
                    mode http
                    cookie SERVERID insert
                    server b 127.0.0.1:2
                backend unused
                    mode http
                    balance hdr(X-Not-Routed-Here)
                    server c 127.0.0.1:3
                """, "haproxy.cfg", Map.of()).builder().build();

        assertThat(config.routingHeaders("main"))
                .containsExactlyInAnyOrder(
                        "x-api-version",
                        "x-many",
                        "x-admin",
                        "cookie",
                        "x-client-verified",
                        "x-internal-user",
                        "x-real-client",
                        "x-tenant");
    }
}
