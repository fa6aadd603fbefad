package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code moveBind}: a bind onto another address with its options, e.g. an imported frontend onto loopback. */
class MoveBindTest {
    private static ProxyConfig.Builder twoBinds() {
        return ProxyConfig.builder()
                .frontend(
                        "www",
                        f -> f.bind(":443", b -> b.acceptProxy()).bind(":80").defaultBackend("app"))
                .backend("app", b -> b.server("web1", "127.0.0.1:9000"));
    }

    @Test
    void aMovedBindKeepsItsPlaceAndOptions() {
        ProxyConfig.Builder builder = twoBinds();
        builder.editFrontend(
                "www",
                f -> f.moveBind(Address.parse(":443"), "127.0.0.1:0").moveBind(Address.parse(":80"), "127.0.0.2:0"));
        FrontendConfig www = builder.build().frontends().get("www");

        assertThat(www.binds()).containsExactly(Address.parse("127.0.0.1:0"), Address.parse("127.0.0.2:0"));
        assertThat(www.bindOptions(Address.parse("127.0.0.1:0")).acceptProxy()).isTrue();
        assertThat(www.bindOptions(Address.parse("127.0.0.2:0"))).isEqualTo(BindOptions.DEFAULT);
    }

    @Test
    void aBindThatIsNotThereOrAnAddressTakenIsRefused() {
        assertThatThrownBy(() -> twoBinds().editFrontend("www", f -> f.moveBind(Address.parse(":8080"), ":1")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("frontend 'www': no bind '*:8080' to move (binds: [*:443, *:80])");
        assertThatThrownBy(() -> twoBinds().editFrontend("www", f -> f.moveBind(Address.parse(":443"), ":80")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("frontend 'www': bind '*:80' is declared twice");
    }
}
