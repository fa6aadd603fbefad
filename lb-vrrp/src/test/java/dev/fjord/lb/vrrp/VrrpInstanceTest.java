package dev.fjord.lb.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.VirtualTime;

/** Every transition of RFC 5798 section 6.4 in virtual time, with timings from Skew_Time and Master_Down_Interval. */
class VrrpInstanceTest {
    private final VirtualTime time = new VirtualTime();
    private final List<String> sent = new ArrayList<>();
    private final List<String> transitions = new ArrayList<>();

    private static Inet4Address ip(String text) throws Exception {
        return (Inet4Address) InetAddress.getByName(text);
    }

    private VrrpInstance instance(int priority, boolean preempt, Duration preemptDelay) throws Exception {
        return new VrrpInstance(
                "VI_1",
                3,
                51,
                priority,
                Duration.ofSeconds(1),
                List.of(ip("198.18.0.100")),
                "",
                preempt,
                preemptDelay,
                ip("198.18.0.2"),
                time,
                time,
                ad -> sent.add(time.millis() + " prio " + ad.priority()),
                (vi, from, to) -> transitions.add(time.millis() + " " + from + "->" + to));
    }

    private static Advertisement advert(int priority) throws Exception {
        return new Advertisement(3, 51, priority, Duration.ofSeconds(1), List.of(ip("198.18.0.100")), "");
    }

    @Test
    void timingsFollowTheFormulas() throws Exception {
        VrrpInstance backup = instance(100, true, Duration.ZERO);

        assertThat(backup.skewTime()).isEqualTo(Duration.ofNanos(609_375_000));
        assertThat(backup.masterDownInterval()).isEqualTo(Duration.ofNanos(3_609_375_000L));
    }

    @Test
    void backupBecomesMasterWhenTheMasterFallsSilentThenAdvertisesEveryInterval() throws Exception {
        VrrpInstance vi = instance(100, true, Duration.ZERO);
        vi.start();
        assertThat(transitions).containsExactly("0 INITIALIZE->BACKUP");

        time.advance(Duration.ofMillis(3609));
        assertThat(vi.state()).isEqualTo(VrrpState.BACKUP);
        time.advance(Duration.ofMillis(1));
        assertThat(vi.state()).isEqualTo(VrrpState.MASTER);
        assertThat(transitions).containsExactly("0 INITIALIZE->BACKUP", "3609 BACKUP->MASTER");

        time.advance(Duration.ofMillis(2000));
        assertThat(sent).containsExactly("3609 prio 100", "4609 prio 100", "5609 prio 100");
    }

    @Test
    void advertisementsFromTheMasterKeepTheBackupWaiting() throws Exception {
        VrrpInstance vi = instance(100, true, Duration.ZERO);
        vi.start();
        for (int i = 0; i < 10; i++) {
            time.advance(Duration.ofSeconds(1));
            vi.received(advert(150), ip("198.18.0.1"));
        }
        assertThat(vi.state()).isEqualTo(VrrpState.BACKUP);
        time.advance(Duration.ofMillis(3610)); // the master stops: taken over after Master_Down_Interval
        assertThat(transitions).containsExactly("0 INITIALIZE->BACKUP", "13609 BACKUP->MASTER");
    }

    @Test
    void priorityZeroMeansTakeOverAfterSkewTime() throws Exception {
        VrrpInstance vi = instance(100, true, Duration.ZERO);
        vi.start();
        time.advance(Duration.ofSeconds(1));
        vi.received(advert(0), ip("198.18.0.1"));

        time.advance(Duration.ofMillis(610));

        assertThat(transitions).containsExactly("0 INITIALIZE->BACKUP", "1609 BACKUP->MASTER");
    }

    @Test
    void masterYieldsToAHigherPriorityAndAssertsItselfOverALowerOne() throws Exception {
        VrrpInstance vi = instance(100, true, Duration.ZERO);
        vi.start();
        time.advance(Duration.ofMillis(3610));
        sent.clear();

        vi.received(advert(50), ip("198.18.0.9"));
        assertThat(sent).containsExactly("3610 prio 100"); // at once, not at the next interval
        vi.received(advert(100), ip("198.18.0.1")); // equal priority, lower address: we stay
        assertThat(vi.state()).isEqualTo(VrrpState.MASTER);
        vi.received(advert(150), ip("198.18.0.1"));
        assertThat(vi.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(transitions).endsWith("3610 MASTER->BACKUP");
    }

    @Test
    void masterYieldsToAnEqualPriorityFromAHigherPrimaryAddress() throws Exception {
        VrrpInstance vi = instance(100, true, Duration.ZERO); // primary address 198.18.0.2
        vi.start();
        time.advance(Duration.ofMillis(3610));

        vi.received(advert(100), ip("198.18.0.9"));

        assertThat(transitions).endsWith("3610 MASTER->BACKUP");
    }

    @Test
    void backupTimesTheMasterByTheIntervalItAdvertises() throws Exception {
        VrrpInstance vi = instance(100, true, Duration.ZERO);
        vi.start();
        Advertisement everyTwoSeconds =
                new Advertisement(3, 51, 150, Duration.ofSeconds(2), List.of(ip("198.18.0.100")), "");

        vi.received(everyTwoSeconds, ip("198.18.0.1"));

        // Master_Down_Interval from Master_Adver_Interval 2 s: 6 s + 156 * 2 s / 256 = 7.21875 s
        assertThat(vi.masterDownInterval()).isEqualTo(Duration.ofNanos(7_218_750_000L));
        time.advance(Duration.ofMillis(7218));
        assertThat(vi.state()).isEqualTo(VrrpState.BACKUP);
        time.advance(Duration.ofMillis(1));
        assertThat(transitions).containsExactly("0 INITIALIZE->BACKUP", "7218 BACKUP->MASTER"); // at 7218.75 ms
    }

    @Test
    void masterAnswersAResigningPeerAtOnce() throws Exception {
        VrrpInstance vi = instance(100, true, Duration.ZERO);
        vi.start();
        time.advance(Duration.ofMillis(3700));
        sent.clear();

        vi.received(advert(0), ip("198.18.0.1"));

        assertThat(sent).containsExactly("3700 prio 100");
        assertThat(vi.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void preemptingBackupIgnoresALowerPriorityMasterAndTakesOver() throws Exception {
        VrrpInstance vi = instance(200, true, Duration.ZERO);
        vi.start();
        for (int i = 0; i < 8; i++) {
            time.advance(Duration.ofMillis(500));
            vi.received(advert(100), ip("198.18.0.1"));
        }
        // Master_Down_Interval at 200: 3 s + 56/256 s = 3.21875 s, never reset by the lower master
        assertThat(transitions).containsExactly("0 INITIALIZE->BACKUP", "3218 BACKUP->MASTER");
    }

    @Test
    void nopreemptAndPreemptDelayKeepTheLowerMaster() throws Exception {
        VrrpInstance nopreempt = instance(200, false, Duration.ZERO);
        nopreempt.start();
        for (int i = 0; i < 10; i++) {
            time.advance(Duration.ofSeconds(1));
            nopreempt.received(advert(100), ip("198.18.0.1"));
        }
        assertThat(nopreempt.state()).isEqualTo(VrrpState.BACKUP);

        VrrpInstance delayed = instance(200, true, Duration.ofSeconds(5));
        delayed.start(); // at 10 s
        for (int i = 0; i < 10; i++) {
            time.advance(Duration.ofSeconds(1));
            delayed.received(advert(100), ip("198.18.0.1"));
        }
        // adverts accepted until 5 s after start (the last at 14 s), ignored from 15 s: master at 14 s + 3.218 s
        assertThat(transitions).contains("10000 INITIALIZE->BACKUP", "17218 BACKUP->MASTER");
    }

    @Test
    void addressOwnerIsMasterAtOnceAndShutdownResigns() throws Exception {
        VrrpInstance owner = instance(255, true, Duration.ZERO);
        owner.start();
        assertThat(owner.state()).isEqualTo(VrrpState.MASTER);
        assertThat(sent).containsExactly("0 prio 255");

        time.advance(Duration.ofMillis(500));
        owner.stop();

        assertThat(sent).containsExactly("0 prio 255", "500 prio 0");
        assertThat(transitions).containsExactly("0 INITIALIZE->MASTER", "500 MASTER->INITIALIZE");
        time.advance(Duration.ofSeconds(5));
        assertThat(sent).hasSize(2);
    }

    @Test
    void faultLastsWhileAnySourceFailsAndMayPrecedeTheStart() throws Exception {
        VrrpInstance vi = instance(100, true, Duration.ZERO);
        vi.fault("interface eth0", true); // the link was down before the instance started

        vi.start();
        assertThat(vi.state()).isEqualTo(VrrpState.FAULT);
        vi.fault("backend app", true);
        vi.fault("interface eth0", false);
        assertThat(vi.state()).isEqualTo(VrrpState.FAULT);
        assertThat(vi.faults()).containsExactly("backend app");

        time.advance(Duration.ofSeconds(1));
        vi.fault("backend app", false);
        assertThat(transitions).containsExactly("0 INITIALIZE->FAULT", "1000 FAULT->BACKUP");
        assertThat(sent).isEmpty(); // never master: nothing to resign
    }

    @Test
    void faultResignsAndRecoveryReturnsToBackup() throws Exception {
        VrrpInstance vi = instance(100, true, Duration.ZERO);
        vi.start();
        time.advance(Duration.ofMillis(3610));
        sent.clear();

        vi.fault(true);
        assertThat(sent).containsExactly("3610 prio 0");
        time.advance(Duration.ofSeconds(10));
        vi.received(advert(50), ip("198.18.0.1"));
        assertThat(vi.state()).isEqualTo(VrrpState.FAULT);

        vi.fault(false);
        assertThat(transitions).endsWith("3610 MASTER->FAULT", "13610 FAULT->BACKUP");
    }

    @Test
    void trackingAdjustsThePriority() throws Exception {
        VrrpInstance vi = instance(100, true, Duration.ZERO);
        vi.adjustPriority(-30);
        assertThat(vi.priority()).isEqualTo(70);
        vi.adjustPriority(500);
        assertThat(vi.priority()).isEqualTo(254);
        assertThatThrownBy(() -> instance(300, true, Duration.ZERO))
                .hasMessage("vrrp instance 'VI_1': priority 300 (expected: 1-255)");
    }

    @Test
    void advertsOfAnotherVersionOrPasswordAreDiscarded() throws Exception {
        VrrpInstance vi = instance(100, true, Duration.ZERO);
        vi.start();
        for (int i = 0; i < 5; i++) {
            time.advance(Duration.ofSeconds(1));
            vi.received(
                    new Advertisement(2, 51, 150, Duration.ofSeconds(1), List.of(ip("198.18.0.100")), "s3cret"),
                    ip("198.18.0.1"));
        }

        assertThat(vi.state()).isEqualTo(VrrpState.MASTER); // the v2 adverts did not count
    }
}
