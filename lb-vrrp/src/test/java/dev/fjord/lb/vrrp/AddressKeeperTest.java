package dev.fjord.lb.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.VirtualTime;

class AddressKeeperTest {
    private final VirtualTime time = new VirtualTime();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final VirtualAddresses addresses = new VirtualAddresses() {
        @Override
        public void add(Inet4Address address, int prefixLength, String interfaceName) {
            log.add(time.millis() + " add " + address.getHostAddress() + "/" + prefixLength + " " + interfaceName);
        }

        @Override
        public void remove(Inet4Address address, int prefixLength, String interfaceName) {
            log.add(time.millis() + " del " + address.getHostAddress());
        }
    };

    private final VrrpInstance instance = instance();

    private VrrpInstance instance() {
        try {
            return new VrrpInstance(
                    "VI_51",
                    3,
                    51,
                    150,
                    Duration.ofSeconds(1),
                    List.of((Inet4Address) InetAddress.getByName("198.18.0.100")),
                    "",
                    true,
                    Duration.ZERO,
                    (Inet4Address) InetAddress.getByName("198.18.0.1"),
                    time,
                    time,
                    ad -> {},
                    VrrpInstance.Listener.NONE);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private AddressKeeper keeper(GratuitousArpSchedule garp) throws Exception {
        List<Inet4Address> vips = List.of((Inet4Address) InetAddress.getByName("198.18.0.100"), (Inet4Address)
                InetAddress.getByName("198.18.0.101"));
        return new AddressKeeper(
                addresses,
                vips,
                24,
                "eth0",
                Runnable::run,
                time,
                vip -> log.add(time.millis() + " garp " + vip.getHostAddress()),
                garp);
    }

    @Test
    void announcesLikeKeepalivedByDefaultTwoBurstsFiveSecondsApart() throws Exception {
        AddressKeeper keeper = keeper(GratuitousArpSchedule.KEEPALIVED);

        keeper.transition(instance, VrrpState.BACKUP, VrrpState.MASTER);
        time.advance(Duration.ofSeconds(60));

        assertThat(log).startsWith("0 add 198.18.0.100/24 eth0", "0 add 198.18.0.101/24 eth0");
        assertThat(log.stream().filter(line -> line.startsWith("0 garp 198.18.0.100")))
                .hasSize(5);
        assertThat(log.stream().filter(line -> line.startsWith("0 garp 198.18.0.101")))
                .hasSize(5);
        assertThat(log.stream().filter(line -> line.startsWith("5000 garp"))).hasSize(10);
        assertThat(log).hasSize(22); // nothing after the second burst: no refresh by default
    }

    @Test
    void refreshesWhileMasterAndStopsAnnouncingOnceItLeaves() throws Exception {
        AddressKeeper keeper = keeper(new GratuitousArpSchedule(1, Duration.ZERO, Duration.ofSeconds(10), 2));

        keeper.transition(instance, VrrpState.BACKUP, VrrpState.MASTER);
        time.advance(Duration.ofSeconds(25));
        keeper.transition(instance, VrrpState.MASTER, VrrpState.BACKUP);
        time.advance(Duration.ofSeconds(60));

        assertThat(log)
                .containsExactly(
                        "0 add 198.18.0.100/24 eth0",
                        "0 add 198.18.0.101/24 eth0",
                        "0 garp 198.18.0.100",
                        "0 garp 198.18.0.101",
                        "10000 garp 198.18.0.100",
                        "10000 garp 198.18.0.100",
                        "10000 garp 198.18.0.101",
                        "10000 garp 198.18.0.101",
                        "20000 garp 198.18.0.100",
                        "20000 garp 198.18.0.100",
                        "20000 garp 198.18.0.101",
                        "20000 garp 198.18.0.101",
                        "25000 del 198.18.0.100",
                        "25000 del 198.18.0.101");
    }

    @Test
    void aSecondBurstDueAfterLosingMastershipIsDropped() throws Exception {
        AddressKeeper keeper = keeper(GratuitousArpSchedule.KEEPALIVED);

        keeper.transition(instance, VrrpState.BACKUP, VrrpState.MASTER);
        time.advance(Duration.ofSeconds(2));
        keeper.transition(instance, VrrpState.MASTER, VrrpState.BACKUP);
        keeper.transition(instance, VrrpState.BACKUP, VrrpState.MASTER); // master again: its own bursts only
        time.advance(Duration.ofSeconds(10));

        assertThat(log.stream().filter(line -> line.startsWith("5000 garp"))).isEmpty();
        assertThat(log.stream().filter(line -> line.startsWith("7000 garp"))).hasSize(10);
    }
}
