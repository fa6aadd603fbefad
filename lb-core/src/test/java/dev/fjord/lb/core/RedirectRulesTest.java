package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedirectRulesTest {

    private static LocalResponse redirect(HttpRequestRule rule, RequestHead request) {
        Router router = Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> f.bind(":80").httpRequest(rule).defaultBackend("app"))
                .backend("app", b -> b.server("web1", "127.0.0.1:8001"))
                .build());
        return router.route(request).asRespond().response();
    }

    private static RequestHead get(String uri) {
        return RequestHead.builder().uri(uri).header("Host", "shop.example").build();
    }

    @Test
    void prefixAndSchemeKeepTheQueryUnlessDropQueryAndAppendSlashAddsOne() {
        HttpRequestRule.Redirect prefix = (HttpRequestRule.Redirect) HttpRequestRule.redirectPrefix("https://b", 301);
        HttpRequestRule.Redirect scheme = (HttpRequestRule.Redirect) HttpRequestRule.redirectScheme("https", 302);

        assertThat(redirect(prefix, get("/a?x=1")).header("Location")).isEqualTo("https://b/a?x=1");
        assertThat(redirect(prefix.options(RedirectOptions.NONE.withDropQuery()), get("/a?x=1"))
                        .header("Location"))
                .isEqualTo("https://b/a");
        assertThat(redirect(prefix.options(RedirectOptions.NONE.withDropQuery().withAppendSlash()), get("/article/x?y"))
                        .header("Location"))
                .isEqualTo("https://b/article/x/");
        assertThat(redirect(scheme.options(RedirectOptions.NONE.withDropQuery()), get("/p?q"))
                        .header("Location"))
                .isEqualTo("https://shop.example/p");
    }

    @Test
    void aPrefixOfSlashRedirectsToTheSameUriAndSchemeWithoutHostLeavesItEmpty() {
        HttpRequestRule.Redirect self = (HttpRequestRule.Redirect) HttpRequestRule.redirectPrefix("/", 302);

        LocalResponse same = redirect(self.options(RedirectOptions.NONE.withSetCookie("SEEN=1")), get("/x?y=1"));
        LocalResponse noHost = redirect(
                HttpRequestRule.redirectScheme("https", 302),
                RequestHead.builder().uri("/a").version("HTTP/1.0").build());

        assertThat(same.header("Location")).isEqualTo("/x?y=1");
        assertThat(same.header("Set-Cookie")).isEqualTo("SEEN=1; path=/;");
        assertThat(noHost.header("Location")).isEqualTo("https:///a");
    }

    @Test
    void cacheControlGoesWithTemporaryCodesOnlyAndClearCookieExpires() {
        HttpRequestRule.Redirect permanent = (HttpRequestRule.Redirect) HttpRequestRule.redirectLocation("/new", 301);

        LocalResponse moved = redirect(permanent.options(RedirectOptions.NONE.withClearCookie("USERID=")), get("/"));
        LocalResponse temporary = redirect(HttpRequestRule.redirectLocation("/new", 307), get("/"));

        assertThat(moved.status()).isEqualTo(301);
        assertThat(moved.header("Cache-Control")).isNull();
        assertThat(moved.header("Set-Cookie")).isEqualTo("USERID=; path=/; Max-Age=0;");
        assertThat(temporary.header("Cache-Control")).isEqualTo("no-cache");
        assertThatThrownBy(() -> RedirectOptions.NONE.withSetCookie("a b"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("set-cookie 'a b'");
    }
}
