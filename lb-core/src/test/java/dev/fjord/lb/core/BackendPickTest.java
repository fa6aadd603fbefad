package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Backend#pick}: the balancing step alone, for transports without a frontend (the HTTP client binding). */
class BackendPickTest {

    private static Backend backend(Balance balance) {
        return Router.of(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP))
                        .backend(
                                "app",
                                b -> b.balance(balance)
                                        .hashType(HashType.CONSISTENT)
                                        .server("web1", "127.0.0.1:8001")
                                        .server("web2", "127.0.0.1:8002")
                                        .server("spare", "127.0.0.1:8101", s -> s.backup()))
                        .build())
                .backend("app");
    }

    @Test
    void leastConnPicksTheServerWithFewerActiveConnectionsAndNeverTheOneToAvoid() {
        Backend app = backend(Balance.leastConn());
        app.requireServer("web1").connectionOpened();

        assertThat(app.pick(RequestHead.get("/"), null).name()).isEqualTo("web2");
        assertThat(app.pick(RequestHead.get("/"), app.requireServer("web2")).name())
                .isEqualTo("web1");
    }

    @Test
    void aHashedHeaderKeepsItsServerAndTheBackupServesOnlyWhenNoActiveServerIsUsable() {
        Backend app = backend(Balance.hdr("X-Key"));
        RequestHead key = RequestHead.builder().header("X-Key", "user-42").build();
        String first = app.pick(key, null).name();

        for (int i = 0; i < 5; i++) {
            assertThat(app.pick(key, null).name()).isEqualTo(first);
        }
        app.requireServer("web1").markDown();
        app.requireServer("web2").markDown();
        assertThat(app.pick(key, null).name()).isEqualTo("spare");
        assertThat(app.pick(key, app.requireServer("spare"))).isNull();
    }
}
