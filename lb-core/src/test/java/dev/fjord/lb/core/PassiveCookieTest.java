package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.haproxy.HaproxyImport;

/** {@code cookie NAME} without a mode: the application sets the cookie, Fjord routes by it and changes nothing. */
class PassiveCookieTest {
    private static final Router ROUTER = Router.of(
            HaproxyImport.parse("""
                    defaults
                        mode http
                    frontend main
                        bind :80
                        default_backend app
                    backend app
                        cookie SID
                        server s1 127.0.0.1:8001 cookie s1
                        server s2 127.0.0.1:8002 cookie s2
                    """, "haproxy.cfg", Map.of()).builder().build());

    private static RouteDecision.Forward route(String cookie) {
        return ROUTER.route(RequestHead.builder()
                        .method("GET")
                        .uri("/")
                        .header("Cookie", cookie)
                        .build())
                .asForward();
    }

    @Test
    void theCookieTheApplicationSetPinsTheClientAndNothingIsRewritten() {
        for (int i = 0; i < 4; i++) { // whatever round robin would pick next
            RouteDecision.Forward forward = route("lang=en; SID=s2");
            assertThat(forward.server().name()).isEqualTo("s2");
            assertThat(forward.cookieStatus()).isEqualTo(CookieStatus.VALID);
            assertThat(forward.requestEdits()).isEmpty(); // the server gets the cookie as the client sent it
            assertThat(forward.setCookie()).isNull(); // and no cookie of Fjord's goes back
            assertThat(forward.rewriteSetCookie("SID=s2; path=/")).isEqualTo("SID=s2; path=/");
        }
    }

    @Test
    void anUnknownValueIsBalancedAndNotRepinnedByFjord() {
        RouteDecision.Forward forward = route("SID=gone");

        assertThat(forward.cookieStatus()).isEqualTo(CookieStatus.INVALID);
        assertThat(forward.setCookie()).isNull();
        assertThat(forward.rewriteSetCookie("SID=s1")).isEqualTo("SID=s1");
    }

    @Test
    void optionsMayComeBeforeTheModeAsHaproxyReadsThem() {
        Cookie cookie = HaproxyImport.parse("""
                        backend app
                            mode http
                            cookie SRV indirect nocache insert
                            server s1 127.0.0.1:8001 cookie s1
                        """, "haproxy.cfg", Map.of())
                .builder()
                .build()
                .backends()
                .get("app")
                .cookie();

        assertThat(cookie).isEqualTo(Cookie.insert("SRV").indirect().noCache());
    }
}
