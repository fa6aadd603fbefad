package dev.fjord.lb.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.Backend;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.VirtualTime;

class BackendTrackerTest {

    @Test
    void noUsableServerOrListenerDownHandsTheVipOver() throws Exception {
        VirtualTime time = new VirtualTime();
        List<String> sent = new ArrayList<>();
        Inet4Address vip = (Inet4Address) InetAddress.getByName("198.18.0.100");
        VrrpInstance instance = new VrrpInstance(
                "VI_51",
                3,
                51,
                150,
                Duration.ofSeconds(1),
                List.of(vip),
                "",
                true,
                Duration.ZERO,
                (Inet4Address) InetAddress.getByName("198.18.0.1"),
                time,
                time,
                ad -> sent.add(time.millis() + " prio " + ad.priority()),
                VrrpInstance.Listener.NONE);
        Backend app = Router.of(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP))
                        .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                        .backend("app", b -> b.server("web1", "127.0.0.1:8001").server("web2", "127.0.0.1:8002"))
                        .build())
                .backend("app");
        AtomicBoolean listening = new AtomicBoolean(true);
        instance.start();
        BackendTracker tracker = BackendTracker.start(instance, app, listening::get, time, Duration.ofMillis(500));
        time.advance(Duration.ofSeconds(4));
        assertThat(instance.state()).isEqualTo(VrrpState.MASTER);

        app.requireServer("web1").markDown();
        time.advance(Duration.ofSeconds(1));
        assertThat(instance.state()).isEqualTo(VrrpState.MASTER); // web2 still serves
        app.requireServer("web2").markDown();
        time.advance(Duration.ofMillis(500));
        assertThat(instance.state()).isEqualTo(VrrpState.FAULT);
        assertThat(sent).last().asString().endsWith("prio 0"); // resigned: the peer takes over at once

        app.requireServer("web2").markUp();
        time.advance(Duration.ofMillis(500));
        assertThat(instance.state()).isEqualTo(VrrpState.BACKUP);

        listening.set(false);
        time.advance(Duration.ofMillis(500));
        assertThat(instance.state()).isEqualTo(VrrpState.FAULT);
        assertThat(instance.faults()).containsExactly("backend app");

        listening.set(true);
        app.requireServer("web1").markDown();
        app.requireServer("web2").markDown();
        tracker.recheck(); // as a server event would: at once, not at the next period
        assertThat(instance.faults()).containsExactly("backend app");

        tracker.close(); // no longer tracked: its fault is cleared
        assertThat(instance.state()).isEqualTo(VrrpState.BACKUP);
        time.advance(Duration.ofSeconds(2));
        assertThat(instance.faults()).isEmpty();
    }
}
