package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The run-time model's server lifecycle: what operators change, and the events it makes of it. */
class LiveBackendTest {
    private final VirtualTime time = new VirtualTime();
    private final List<String> events = new ArrayList<>();
    private final Router router = Router.builder(ProxyConfig.builder()
                    .defaults(d -> d.mode(Mode.HTTP))
                    .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                    .backend(
                            "app",
                            b -> b.server("web1", "127.0.0.1:8001")
                                    .server("web2", "127.0.0.1:8002")
                                    .server("spare", "127.0.0.1:8009", s -> s.backup()))
                    .build())
            .ticker(time)
            .build();
    private final Backend app = router.backend("app");

    LiveBackendTest() {
        router.listen(event -> events.add(event.message()));
    }

    @Test
    void operatorStateChangesAreEvents() {
        Server web1 = app.requireServer("web1");
        Server web2 = app.requireServer("web2");

        web1.adminState(AdminState.DRAIN);
        web1.adminState(AdminState.READY);
        web1.adminState(AdminState.READY); // no change, no event
        web1.adminState(AdminState.MAINT);
        web2.adminState(AdminState.MAINT);
        app.requireServer("spare").adminState(AdminState.MAINT);

        assertThat(events)
                .containsExactly(
                        "Server app/web1 enters drain state. 1 active and 1 backup servers left.",
                        "Server app/web1 is UP (leaving forced drain).",
                        "Server app/web1 is going DOWN for maintenance. 1 active and 1 backup servers left.",
                        "Server app/web2 is going DOWN for maintenance. 0 active and 1 backup servers left.",
                        "Server app/spare is going DOWN for maintenance. 0 active and 0 backup servers left.",
                        "backend app has no server available!");
    }

    @Test
    void serversAddedAndRemovedAtRunTimeAreEvents() {
        app.addServer("web3", "127.0.0.1:8003", s -> s.weight(10));
        app.removeServer("web3");

        assertThat(events)
                .containsExactly(
                        "Server app/web3 added at 127.0.0.1:8003.",
                        "Server app/web3 is going DOWN for maintenance. 2 active and 1 backup servers left.",
                        "Server app/web3 removed.");
    }

    @Test
    void aServerMovedToAnotherAddressKeepsItsStateWeightAndCounters() {
        Server web1 = app.requireServer("web1");
        web1.adminState(AdminState.DRAIN);
        web1.weight(7);
        web1.counters().sessionStarted();
        events.clear();

        app.moveServer("web1", "127.0.0.2:9001", "DNS cache");
        app.moveServer("web1", "127.0.0.2:9001", "DNS cache"); // the same address: nothing happens

        assertThat(app.requireServer("web1")).isSameAs(web1);
        assertThat(web1.config().address()).hasToString("127.0.0.2:9001");
        assertThat(web1.adminState()).isEqualTo(AdminState.DRAIN);
        assertThat(web1.weight()).isEqualTo(7);
        assertThat(web1.counters().sessions()).isEqualTo(1);
        assertThat(events)
                .containsExactly("app/web1 changed its IP from 127.0.0.1:8001 to 127.0.0.2:9001 by DNS cache.");
        assertThatThrownBy(() -> app.moveServer("web9", "127.0.0.2:9001", "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backend 'app': server 'web9' is not defined");
        assertThatThrownBy(() -> app.moveServer("web1", "127.0.0.2:99999", "test"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("backend 'app': server 'web1': ");
    }

    @Test
    void anAdminChangeIsTheServersLastStateChange() {
        Server web1 = app.requireServer("web1");

        time.advance(Duration.ofSeconds(5));
        web1.adminState(AdminState.MAINT);
        time.advance(Duration.ofSeconds(3));

        assertThat(web1.counters().secondsSinceChange(time.read())).isEqualTo(3);
    }
}
