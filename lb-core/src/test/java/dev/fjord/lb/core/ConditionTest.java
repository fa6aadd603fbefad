package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

class ConditionTest {
    private static final Map<String, List<Acl>> ACLS = Map.of(
            "is_api", List.of(Acl.pathBeg("/api")),
            "is_post", List.of(Acl.method("POST")),
            "internal", List.of(Acl.src("10.0.0.0/8"), Acl.src("192.168.0.0/16")));

    private static Predicate<RequestHead> compile(String condition) {
        return ConditionParser.compile(Condition.parse(condition), ACLS, "frontend 'main'");
    }

    private static RequestHead request(String method, String uri, String client) {
        return RequestHead.builder().method(method).uri(uri).client(client, 1).build();
    }

    @Test
    void implicitAndOrNegationAndAnonymousAcls() {
        RequestHead apiPostInternal = request("POST", "/api/x", "10.1.1.1");
        RequestHead apiGetExternal = request("GET", "/api/x", "8.8.8.8");
        RequestHead pageGetInternal = request("GET", "/page", "192.168.3.3");

        assertThat(compile("is_api is_post").test(apiPostInternal)).isTrue();
        assertThat(compile("is_api is_post").test(apiGetExternal)).isFalse();
        assertThat(compile("is_api !internal").test(apiGetExternal)).isTrue();
        assertThat(compile("is_api ! internal").test(apiPostInternal)).isFalse();
        assertThat(compile("is_post or internal").test(pageGetInternal)).isTrue();
        assertThat(compile("is_post || { path_beg /nothing }").test(apiGetExternal))
                .isFalse();
        assertThat(compile("{ path_beg /page } internal").test(pageGetInternal)).isTrue();
        assertThat(compile("!{ path_beg /page }").test(pageGetInternal)).isFalse();
        assertThat(compile("if internal").test(pageGetInternal)).isTrue();
        assertThat(compile("unless internal").test(pageGetInternal)).isFalse();
        assertThat(compile("LOCALHOST").test(request("GET", "/", "127.0.0.1"))).isTrue();
    }

    @Test
    void aclDefinedOnSeveralLinesMatchesWhenAnyLineDoes() {
        assertThat(compile("internal").test(request("GET", "/", "10.0.0.1"))).isTrue();
        assertThat(compile("internal").test(request("GET", "/", "192.168.0.1"))).isTrue();
        assertThat(compile("internal").test(request("GET", "/", "172.16.0.1"))).isFalse();
    }

    @Test
    void parsedAndBuiltConditionsAreEqual() {
        Condition built =
                Condition.acl("is_api").and(Condition.acl("internal").negate()).or(Condition.of(Acl.pathBeg("/x")));

        assertThat(Condition.parse("if is_api !internal or { path_beg /x }")).isEqualTo(built);
        assertThat(built).hasToString("is_api !internal or { path -m beg /x }");
        assertThat(Condition.unless("is_api")).isEqualTo(new Condition.Not(new Condition.Named("is_api")));
        assertThat(Condition.unless("is_api").negate()).isEqualTo(Condition.acl("is_api"));
    }

    @Test
    void undefinedAclIsNamedWithTheDefinedOnes() {
        assertThatThrownBy(() -> compile("is_api or is_apu"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("frontend 'main': acl 'is_apu' is not defined (defined: [internal, is_api, is_post])");
    }

    @Test
    void malformedConditionsFail() {
        assertThatThrownBy(() -> Condition.parse("if")).hasMessageStartingWith("condition: empty");
        assertThatThrownBy(() -> Condition.parse("a or"))
                .hasMessage("condition: ends with 'or' (expected: an ACL after it)");
        assertThatThrownBy(() -> Condition.parse("or a")).hasMessage("condition: 'or' without a term before it");
        assertThatThrownBy(() -> Condition.parse("{ path_beg /a")).hasMessage("condition: '{' without '}'");
        assertThatThrownBy(() -> Condition.parse("a !"))
                .hasMessage("condition: ends with '!' (expected: an ACL after it)");
        assertThatThrownBy(() -> Condition.parse("a 'b")).hasMessage("condition 'a 'b' has an unclosed ' quote");
    }
}
