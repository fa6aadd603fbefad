package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing by map files, {@code use_backend %[req.hdr(host),lower,field(1,:),map_dom(FILE,DEFAULT)]} and by path
 * prefix: the same backends as HAProxy 2.6 on the same files.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MapRoutingProxyTest {
    private static final List<String> TARGETS = List.of(
            "example.com/",
            "WWW.Example.com/x",
            "api.example.com/",
            "api.example.com:8080/v1",
            "example.org/",
            "example.com/static/site.css",
            "example.com/static/other");

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private String config(String bind) {
        return HaproxyProcess.HTTP_DEFAULTS + """
                frontend main
                    bind %s
                    use_backend %%[path,map_beg(%s)] if { path_beg /static/ }
                    use_backend %%[req.hdr(host),lower,field(1,:),map_dom(%s,fallback)]
                    default_backend fallback
                backend app
                    http-request return status 200 content-type text/plain string app
                backend api
                    http-request return status 200 content-type text/plain string api
                backend assets
                    http-request return status 200 content-type text/plain string assets
                backend fallback
                    http-request return status 200 content-type text/plain string fallback
                """.formatted(bind, dir.resolve("paths.map"), dir.resolve("hosts.map"));
    }

    private List<String> run(InetSocketAddress proxy) throws IOException {
        List<String> seen = new ArrayList<>();
        for (String target : TARGETS) {
            String host = target.substring(0, target.indexOf('/'));
            String path = target.substring(target.indexOf('/'));
            try (RawClient client = new RawClient(proxy).timeout(5000)) {
                client.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                String response = client.readUntilClose();
                seen.add(target + " -> " + response.substring(response.indexOf("\r\n\r\n") + 4));
            }
        }
        return seen;
    }

    @Test
    void hostsGoWhereTheMapSaysAsInHaproxy() throws Exception {
        Files.writeString(dir.resolve("hosts.map"), """
                # domain        backend
                api.example.com api
                example.com     app
                """);
        Files.writeString(dir.resolve("paths.map"), """
                /static/site assets
                """);
        FjordProxy proxy = fjord.start(config("127.0.0.1:0"));
        List<String> byFjord = run(proxy.address("main"));

        assertThat(byFjord)
                .containsExactly(
                        "example.com/ -> app",
                        "WWW.Example.com/x -> app",
                        "api.example.com/ -> api",
                        "api.example.com:8080/v1 -> api",
                        "example.org/ -> fallback",
                        "example.com/static/site.css -> assets",
                        // no key and no default value: no backend named, and no later rule either
                        "example.com/static/other -> fallback");
        HaproxyProcess.seesTheSame(byFjord, dir, this::config, this::run);
    }
}
