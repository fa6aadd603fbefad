package example;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;

/** The routing, unit-tested in-process as the README's QuickStartTest does: no sockets, no threads. */
class ShopProxyTest {
    private final Router router = Router.of(ShopProxy.config("127.0.0.1:9000", "127.0.0.1:8081"));

    @Test
    void staticFilesGoToTheStaticBackend() {
        RouteDecision decision = router.route(RequestHead.builder().uri("/img/logo.PNG").build());

        assertThat(decision.backend().name()).isEqualTo("static");
        assertThat(decision.matchedAcls()).containsExactly("url_static");
    }

    @Test
    void aClientKeepsItsServerAndTheServerNeverSeesTheCookie() {
        assertThat(router.route(RequestHead.builder().uri("/cart").build()).asForward().setCookie())
                .isEqualTo("SERVERID=s1; path=/");

        RouteDecision.Forward again = router.route(RequestHead.builder().uri("/cart")
                .header("Cookie", "SERVERID=s1").build()).asForward();
        assertThat(again.server().name()).isEqualTo("web1");
        assertThat(again.forwardedRequest().header("Cookie")).isNull();
    }
}
