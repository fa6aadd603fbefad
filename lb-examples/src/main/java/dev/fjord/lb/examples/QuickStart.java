package dev.fjord.lb.examples;

import dev.fjord.lb.core.Acl;
import dev.fjord.lb.core.Cookie;
import dev.fjord.lb.core.FrontendRouter;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.netty.FjordProxy;

/**
 * The README's quick start: a proxy built in {@code main()}: requests routed in-process, then the proxy started for
 * real.
 */
public final class QuickStart {
    private QuickStart() {}

    /** Two web nodes behind round robin with cookie stickiness; static files go to their own backend. */
    public static ProxyConfig config() {
        return ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP).retries(3).redispatch(true))
                .frontend(
                        "main",
                        f -> f.bind("127.0.0.1:8080")
                                .acl(
                                        "url_static",
                                        Acl.pathEnd(".png", ".css", ".js").ignoreCase())
                                .useBackend("static", "url_static")
                                .defaultBackend("app"))
                .backend("static", b -> b.server("cdn1", "127.0.0.1:9000"))
                .backend(
                        "app",
                        b -> b.cookie(Cookie.insert("SERVERID").indirect().noCache())
                                .server("web1", "127.0.0.1:8081", s -> s.cookie("s1"))
                                .server("web2", "127.0.0.1:8082", s -> s.cookie("s2")))
                .build();
    }

    public static void main(String[] args) throws InterruptedException {
        FrontendRouter main = Router.of(config()).frontend("main"); // routing in-process, no socket
        System.out.println(main.route(RequestHead.get("/logo.PNG"))); // FORWARD main -> static/cdn1
        System.out.println(main.route(RequestHead.get("/cart"))); // FORWARD main -> app/web1 set-cookie ...

        FjordProxy proxy = FjordProxy.start(config()); // listening on 127.0.0.1:8080
        Runtime.getRuntime().addShutdownHook(new Thread(proxy::close)); // Ctrl-C: graceful close
        Thread.currentThread().join();
    }
}
