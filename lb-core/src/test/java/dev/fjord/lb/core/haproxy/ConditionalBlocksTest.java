package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.ProxyConfig;

/** HAProxy's {@code .if} blocks and environment variables, as its configuration manual (2.3, 2.4) describes them. */
class ConditionalBlocksTest {
    private static final String FRONTEND = """
            frontend main
                bind 127.0.0.1:8080
            """;

    private static HaproxyImport.Checked check(String text, Map<String, String> environment) {
        return HaproxyImport.check(text, "haproxy.cfg", environment);
    }

    private static ProxyConfig imported(String text, Map<String, String> environment) {
        HaproxyImport.Checked checked = check(text, environment);
        assertThat(checked.errors()).isEmpty();
        return checked.imported().builder().build();
    }

    @Test
    void aBlockKeepsItsLinesOnlyWhenItsConditionHolds() {
        String text = FRONTEND + """
                .if defined(WITH_TLS)
                    bind 127.0.0.1:8443
                .elif streq("$MODE",http2)
                    bind 127.0.0.1:8442
                .else
                    bind 127.0.0.1:8081
                .endif
                """;

        assertThat(imported(text, Map.of("WITH_TLS", ""))
                        .frontends()
                        .get("main")
                        .binds())
                .extracting(Object::toString)
                .containsExactly("127.0.0.1:8080", "127.0.0.1:8443");
        assertThat(imported(text, Map.of("MODE", "http2"))
                        .frontends()
                        .get("main")
                        .binds())
                .extracting(Object::toString)
                .containsExactly("127.0.0.1:8080", "127.0.0.1:8442");
        // MODE not set: "$MODE" is empty, as in HAProxy, so the .elif is false and the .else is kept
        assertThat(imported(text, Map.of()).frontends().get("main").binds())
                .extracting(Object::toString)
                .containsExactly("127.0.0.1:8080", "127.0.0.1:8081");
    }

    @Test
    void conditionsCombineAsTheManualSays() {
        Map<String, String> environment = Map.of("A", "1", "B", "0", "NAME", "fjord-lb");
        assertThat(holds("1", environment)).isTrue();
        assertThat(holds("0", environment)).isFalse();
        assertThat(holds("", environment)).isFalse();
        assertThat(holds("\"$A\"", environment)).isTrue();
        assertThat(holds("\"$B\"", environment)).isFalse();
        assertThat(holds("!\"$B\"", environment)).isTrue();
        assertThat(holds("1 && 0 || 1 && 1", environment)).isTrue(); // && before ||
        assertThat(holds("1 && (0 || 0)", environment)).isFalse();
        assertThat(holds("strstr(\"$NAME\",lb) && strneq(a,b)", environment)).isTrue();
        // the manual's example: the space after the comma is part of the argument
        assertThat(holds("streq(1, 1)", environment)).isFalse();
        assertThat(holds("version_atleast(2.4-dev19) && version_before(2.7)", environment))
                .isTrue();
        assertThat(holds("version_atleast(2.6.1)", environment)).isFalse();
        assertThat(holds("version_before(2.6-dev1)", environment)).isFalse();
        assertThat(holds("feature(OPENSSL) && !feature(LUA)", environment)).isTrue();
        assertThat(holds("openssl_version_atleast(1.1.1) && !fips_mode()", environment))
                .isTrue();
    }

    private static boolean holds(String condition, Map<String, String> environment) {
        ProxyConfig config =
                imported(FRONTEND + ".if " + condition + "\n    bind 127.0.0.1:9000\n.endif\n", environment);
        return config.frontends().get("main").binds().size() == 2;
    }

    @Test
    void nestedBlocksInsideADroppedBlockStayDropped() {
        String text = FRONTEND + """
                .if 0
                  .if 1
                    bind 127.0.0.1:9001
                  .else
                    bind 127.0.0.1:9002
                  .endif
                .elif 1
                    bind 127.0.0.1:9003
                .elif 1
                    bind 127.0.0.1:9004
                .endif
                """;

        assertThat(imported(text, Map.of()).frontends().get("main").binds())
                .extracting(Object::toString)
                .containsExactly("127.0.0.1:8080", "127.0.0.1:9003");
    }

    @Test
    void messagesAreReportedWhereTheirBlockIsKept() {
        HaproxyImport.Checked checked = check(FRONTEND + """
                .if 1
                  .warning "plain HTTP only"
                .else
                  .alert "never read"
                .endif
                .notice "${GREETING-hello}"
                .diag "only in diagnostic mode"
                """, Map.of());

        assertThat(checked.errors()).isEmpty();
        assertThat(checked.report().warnings())
                .containsExactly("haproxy.cfg:4: plain HTTP only", "haproxy.cfg:8: hello");

        assertThat(check(FRONTEND + ".alert \"SSL support is mandatory\"\n", Map.of())
                        .errors())
                .containsExactly("haproxy.cfg:3: SSL support is mandatory");
    }

    @Test
    void unbalancedBlocksAndBadConditionsAreErrorsWithTheirLine() {
        HaproxyImport.Checked checked = check(FRONTEND + """
                .if bogus(1)
                .endif
                .else
                .if 1 &&
                .endif
                .if version_atleast(two)
                .endif
                .if (1
                .endif
                .endif
                .if 1
                """, Map.of());

        assertThat(checked.errors())
                .containsExactly(
                        "haproxy.cfg:3: '.if bogus(1)': predicate 'bogus' (expected: defined, feature, streq, strneq, "
                                + "strstr, version_atleast, version_before, openssl_version_atleast, "
                                + "openssl_version_before, ssllib_name_startswith, enabled or fips_mode)",
                        "haproxy.cfg:5: '.else' without an open '.if'",
                        "haproxy.cfg:6: '.if 1 &&': a term is missing at the end",
                        "haproxy.cfg:8: '.if version_atleast(two)': version 'two' (expected: e.g. 2.6, 2.4.22 or "
                                + "2.5-dev3)",
                        "haproxy.cfg:10: '.if (1': missing ')'",
                        "haproxy.cfg:12: '.endif' without an open '.if'",
                        "haproxy.cfg:13: '.if' without its '.endif'");
    }

    @Test
    void variablesExpandAsInHaproxyAndOneNotSetIsAWarning() {
        HaproxyImport.Checked checked = check("""
                frontend main
                    bind "${ADDR-127.0.0.1}:$PORT"
                    bind "127.0.0.1:${OTHER}8081"
                """, Map.of("PORT", "8080"));

        assertThat(checked.errors()).isEmpty();
        assertThat(checked.imported().builder().build().frontends().get("main").binds())
                .extracting(Object::toString)
                .containsExactly("127.0.0.1:8080", "127.0.0.1:8081");
        assertThat(checked.report().warnings())
                .containsExactly("haproxy.cfg:3: environment variable 'OTHER' is not set (expanded to nothing, as "
                        + "HAProxy does)");
    }
}
