package dev.fjord.lb.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.fjord.lb.vrrp.lab.AdvertInjector;
import dev.fjord.lb.vrrp.lab.ClientView;
import dev.fjord.lb.vrrp.lab.NetnsLab;
import dev.fjord.lb.vrrp.lab.VrrpPeer;

/**
 * Fjord and keepalived 2.2.7 as the two load balancers of {@code reference/keepalived.conf} (priorities 150
 * and 100, advert_int 1 s), either way round, v2 with PASS and v3, multicast and unicast, in a lab of network
 * namespaces with a client. Failover is timed from the client's side: the first answer from the other node on the
 * VIP after the master stops. Bounds from RFC 5798 for the backup's priority 100: a crash is noticed within
 * Master_Down_Interval (3.609 s) of the master's last advert, hence of the crash; a graceful stop within Skew_Time
 * (0.609 s) of its priority-0 advert; each plus 100 ms for the client to follow the gratuitous ARP. And both drop
 * multicast adverts whose TTL is not 255.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FailoverLabTest {
    private static final Duration SKEW_TIME = Duration.ofMillis(609);
    private static final Duration MASTER_DOWN_INTERVAL = Duration.ofMillis(3609);
    private static final Duration CLIENT_SLACK = Duration.ofMillis(100);

    @TempDir
    Path dir;

    private NetnsLab lab;
    private ClientView client;
    private VrrpPeer high;
    private VrrpPeer low;

    @BeforeEach
    void lab() throws Exception {
        NetnsLab.assumeKeepalived();
        lab = NetnsLab.up();
        client = ClientView.start(lab, Duration.ofSeconds(80));
    }

    @AfterEach
    void teardown() throws Exception {
        if (lab != null) { // closes the client view too
            lab.close();
        }
    }

    @ParameterizedTest(name = "Fjord {0}, keepalived {1}, v{2} {3}")
    @CsvSource({
        "MASTER, BACKUP, 3, multicast",
        "BACKUP, MASTER, 3, multicast",
        "MASTER, BACKUP, 3, unicast",
        "BACKUP, MASTER, 3, unicast",
        "MASTER, BACKUP, 2, multicast",
        "BACKUP, MASTER, 2, multicast",
        "MASTER, BACKUP, 2, unicast",
        "BACKUP, MASTER, 2, unicast",
    })
    void theBackupTakesOverWhenTheMasterStopsOrCrashesAndTheMasterPreemptsOnItsReturn(
            String fjordRole, String keepalivedRole, int version, String transport) throws Exception {
        VrrpPeer.Pairing pairing = new VrrpPeer.Pairing(version, transport.equals("unicast"));
        boolean fjordIsMaster = fjordRole.equals("MASTER");
        high = fjordIsMaster
                ? new VrrpPeer.Fjord(lab, "lb1", 150, pairing, dir)
                : new VrrpPeer.Keepalived(lab, "lb1", 150, pairing, dir);
        low = fjordIsMaster
                ? new VrrpPeer.Keepalived(lab, "lb2", 100, pairing, dir)
                : new VrrpPeer.Fjord(lab, "lb2", 100, pairing, dir);
        String what = high + " with " + low + ", " + pairing;

        low.start();
        high.start();
        long started = System.nanoTime();
        client.awaitOwner("lb1", started, Duration.ofSeconds(12));
        steady("lb1", Duration.ofSeconds(3)); // the backup hears the master and leaves the VIP alone

        long stopped = System.nanoTime();
        high.stop();
        Duration graceful = client.awaitOwner("lb2", stopped, Duration.ofSeconds(5));
        assertThat(lab.holdsVip("lb1"))
                .as("a gracefully stopped master removes the VIP")
                .isFalse();
        if (fjordIsMaster) { // the listeners heard every transition, the last from the shutdown hook
            assertThat(high.log())
                    .containsSubsequence(
                            "VI_51 INITIALIZE->BACKUP", "VI_51 BACKUP->MASTER", "VI_51 MASTER->INITIALIZE");
        }

        long restarted = System.nanoTime();
        high.start();
        Duration preempted = client.awaitOwner("lb1", restarted, Duration.ofSeconds(12));
        waitUntil(() -> !lab.holdsVip("lb2"), Duration.ofSeconds(3)); // the low side gave the VIP up
        steady("lb1", Duration.ofSeconds(1));

        long crashed = System.nanoTime();
        high.crash();
        Duration crash = client.awaitOwner("lb2", crashed, Duration.ofSeconds(8));

        System.out.printf(
                "failover seen from the client, %s: graceful stop %d ms, crash %d ms; "
                        + "restarted master preempted after %d ms%n",
                what, graceful.toMillis(), crash.toMillis(), preempted.toMillis());
        assertThat(graceful)
                .as("graceful stop, %s; client saw:%s%n%s", what, client.describe(stopped), logs())
                .isLessThanOrEqualTo(SKEW_TIME.plus(CLIENT_SLACK));
        assertThat(crash)
                .as("crash, %s; client saw:%s%n%s", what, client.describe(crashed), logs())
                .isLessThanOrEqualTo(MASTER_DOWN_INTERVAL.plus(CLIENT_SLACK));
    }

    /**
     * RFC 5798 section 7.1: a multicast advert whose IP TTL is not 255 may have crossed a router and is dropped. A
     * third speaker in the client namespace claims VRID 51 at priority 254: with TTL 64 the master (Fjord or
     * keepalived) keeps the VIP; the same advert with TTL 255, the control, makes it step down.
     */
    @ParameterizedTest(name = "{0} master")
    @ValueSource(strings = {"Fjord", "keepalived"})
    void advertsWithTtl64AreIgnoredAndTheSameWithTtl255AreNot(String masterKind) throws Exception {
        VrrpPeer.Pairing pairing = new VrrpPeer.Pairing(3, false);
        boolean fjord = masterKind.equals("Fjord");
        high = fjord
                ? new VrrpPeer.Fjord(lab, "lb1", 150, pairing, dir)
                : new VrrpPeer.Keepalived(lab, "lb1", 150, pairing, dir);
        low = fjord
                ? new VrrpPeer.Keepalived(lab, "lb2", 100, pairing, dir)
                : new VrrpPeer.Fjord(lab, "lb2", 100, pairing, dir);
        low.start();
        high.start();
        client.awaitOwner("lb1", System.nanoTime(), Duration.ofSeconds(12));

        Advertisement usurper = new Advertisement(
                3, 51, 254, Duration.ofSeconds(1), List.of((Inet4Address) InetAddress.getByName(NetnsLab.VIP)), "");
        try (AdvertInjector injector = AdvertInjector.open(lab)) {
            for (int i = 0; i < 30; i++) { // 3 s of TTL-64 adverts, ten a second: ignored
                injector.send(usurper, 64);
                Thread.sleep(100);
                assertThat(client.owner())
                        .as("owner after %d TTL-64 adverts%n%s", i + 1, logs())
                        .isEqualTo("lb1");
            }
            assertThat(lab.holdsVip("lb1")).isTrue();

            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (lab.holdsVip("lb1") && System.nanoTime() < end) { // the control: TTL 255 is obeyed
                injector.send(usurper, 255);
                Thread.sleep(100);
            }
            assertThat(lab.holdsVip("lb1"))
                    .as("the master ignored a TTL-255 advert of priority 254%n%s", logs())
                    .isFalse();
        }
    }

    /** Active/active: each side masters one of two VRIDs, and the survivor of a crash holds both VIPs. */
    @ParameterizedTest(name = "v{0}")
    @ValueSource(ints = {2, 3})
    void twoInstancesEachMasteredByOneSide(int version) throws Exception {
        VrrpPeer.Pairing pairing = new VrrpPeer.Pairing(version, false);
        high = new VrrpPeer.Fjord(lab, "lb1", 150, pairing, dir)
                .instances("VI_51:51:150:198.18.0.100", "VI_52:52:100:198.18.0.101");
        low = new VrrpPeer.Keepalived(lab, "lb2", 150, pairing, dir)
                .instances("VI_51:51:100:198.18.0.100", "VI_52:52:150:198.18.0.101");
        high.start();
        low.start();
        BooleanSupplier split = () -> lab.holds("lb1", "198.18.0.100")
                && !lab.holds("lb1", "198.18.0.101")
                && lab.holds("lb2", "198.18.0.101")
                && !lab.holds("lb2", "198.18.0.100");
        waitUntil(split, Duration.ofSeconds(12));
        for (int i = 0; i < 20; i++) { // 3 s: each keeps its own
            Thread.sleep(150);
            assertThat(split.getAsBoolean())
                    .as("each side holds its VIP only%n%s", logs())
                    .isTrue();
        }

        low.crash();
        waitUntil(() -> lab.holds("lb1", "198.18.0.101"), Duration.ofMillis(3609 + 1000));
        assertThat(lab.holds("lb1", "198.18.0.100")).isTrue();
    }

    /**
     * As keepalived tracks its interface: a master whose link goes down is in FAULT (it cannot even resign), the
     * peer takes over after Master_Down_Interval; when the link returns it preempts again.
     */
    @Test
    void aMasterWhoseLinkGoesDownIsInFaultAndPreemptsWhenItReturns() throws Exception {
        VrrpPeer.Pairing pairing = new VrrpPeer.Pairing(3, false);
        high = new VrrpPeer.Fjord(lab, "lb1", 150, pairing, dir);
        low = new VrrpPeer.Keepalived(lab, "lb2", 100, pairing, dir);
        low.start();
        high.start();
        client.awaitOwner("lb1", System.nanoTime(), Duration.ofSeconds(12));

        long down = System.nanoTime();
        lab.link("lb1", false);
        Duration takeover = client.awaitOwner("lb2", down, Duration.ofSeconds(8));
        waitUntil(() -> high.log().contains("VI_51 MASTER->FAULT"), Duration.ofSeconds(2));
        waitUntil(() -> !lab.holdsVip("lb1"), Duration.ofSeconds(2));

        long up = System.nanoTime();
        lab.link("lb1", true);
        Duration back = client.awaitOwner("lb1", up, Duration.ofSeconds(10));
        assertThat(high.log())
                .containsSubsequence("VI_51 MASTER->FAULT", "VI_51 FAULT->BACKUP", "VI_51 BACKUP->MASTER");
        System.out.printf(
                "link down on the Fjord master: keepalived served after %d ms; link up: Fjord again " + "after %d ms%n",
                takeover.toMillis(), back.toMillis());
        assertThat(takeover).isLessThanOrEqualTo(MASTER_DOWN_INTERVAL.plus(CLIENT_SLACK));
    }

    /** Without CAP_NET_RAW or CAP_NET_ADMIN a node does not start, and says which capability it lacks. */
    @ParameterizedTest(name = "without {0}")
    @CsvSource({"-net_raw, CAP_NET_RAW", "-net_admin, CAP_NET_ADMIN"})
    void aNodeWithoutTheCapabilitiesItNeedsSaysWhichAtStart(String drop, String named) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "skipped: needs setpriv (util-linux)");
        high = new VrrpPeer.Fjord(lab, "lb1", 150, new VrrpPeer.Pairing(3, false), dir)
                .through("setpriv", "--bounding-set", drop, "--");
        low = high;
        high.start();

        assertThat(high.awaitExit(Duration.ofSeconds(20))).as(high.log()).isEqualTo(1);
        assertThat(high.log()).contains("vrrp instance 'VI_51': ", "(the process needs " + named + ")");
    }

    /** The client keeps seeing {@code node}, and only it holds the VIP, for {@code period}. */
    private void steady(String node, Duration period) throws InterruptedException {
        long end = System.nanoTime() + period.toNanos();
        String other = node.equals("lb1") ? "lb2" : "lb1";
        while (System.nanoTime() < end) {
            assertThat(client.owner())
                    .as("owner seen by the client%n%s", logs())
                    .isEqualTo(node);
            assertThat(lab.holdsVip(other))
                    .as("%s holds the VIP too%n%s", other, logs())
                    .isFalse();
            Thread.sleep(100);
        }
    }

    private String logs() {
        return "--- " + high + ":\n" + high.log() + "--- " + low + ":\n" + low.log();
    }

    private static void waitUntil(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s", timeout).isLessThan(end);
            Thread.sleep(50);
        }
    }
}
