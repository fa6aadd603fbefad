package dev.fjord.lb.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.FrontendRouter;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;

class QuickStartTest {
    private final FrontendRouter router = Router.of(QuickStart.config()).frontend("main");

    @Test
    void staticFilesGoToTheStaticBackend() {
        RouteDecision decision = router.route(RequestHead.get("/img/logo.PNG"));

        assertThat(decision.backend().name()).isEqualTo("static");
        assertThat(decision.matchedAcls()).containsExactly("url_static");
    }

    @Test
    void aClientStaysOnTheServerItsCookieNames() {
        RouteDecision.Forward first = router.route(RequestHead.get("/cart")).asForward();
        assertThat(first.setCookie()).isEqualTo("SERVERID=s1; path=/");

        RouteDecision.Forward again = router.route(RequestHead.builder()
                        .uri("/cart")
                        .header("Cookie", "SERVERID=s1")
                        .build())
                .asForward();
        assertThat(again.server().name()).isEqualTo("web1");
        assertThat(again.forwardedRequest().header("Cookie")).isNull(); // indirect: the server never sees it
    }
}
