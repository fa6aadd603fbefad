package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

class SyslogMessageTest {
    private static final ZonedDateTime NOV_5 = ZonedDateTime.of(2026, 11, 5, 9, 7, 3, 0, ZoneOffset.UTC);

    @Test
    void rfc3164AsHaproxySendsIt() {
        assertThat(SyslogMessage.rfc3164(
                        LogTarget.of("127.0.0.1", "local2"),
                        "info",
                        NOV_5,
                        "fjord",
                        4242,
                        "127.0.0.1:51000 [...] main app/web1"))
                .isEqualTo("<150>Nov  5 09:07:03 fjord[4242]: 127.0.0.1:51000 [...] main app/web1");
        assertThat(SyslogMessage.rfc3164(LogTarget.of("127.0.0.1", "kern"), "emerg", NOV_5.plusDays(20), "t", 1, "m"))
                .isEqualTo("<0>Nov 25 09:07:03 t[1]: m");
    }

    @Test
    void theCachedSecondFollowsTheTimeAndItsZone() {
        LogTarget target = LogTarget.of("127.0.0.1", "local0");
        ZonedDateTime oslo = NOV_5.withZoneSameInstant(java.time.ZoneId.of("Europe/Oslo"));
        assertThat(SyslogMessage.rfc3164(target, "info", NOV_5, "t", 1, "m")).contains("Nov  5 09:07:03 ");
        assertThat(SyslogMessage.rfc3164(target, "info", NOV_5.plusNanos(999_000_000), "t", 1, "m"))
                .contains("Nov  5 09:07:03 ");
        assertThat(SyslogMessage.rfc3164(target, "info", NOV_5.plusSeconds(1), "t", 1, "m"))
                .contains("Nov  5 09:07:04 ");
        assertThat(SyslogMessage.rfc3164(target, "info", oslo.plusSeconds(1), "t", 1, "m"))
                .contains("Nov  5 10:07:04 "); // the same second in another zone
        assertThat(SyslogMessage.rfc3164(target, "info", NOV_5.plusSeconds(1), "t", 1, "m"))
                .contains("Nov  5 09:07:04 ");
    }

    @Test
    void targetsReadEveryAddressFormHaproxyAccepts() {
        LogTarget plain = LogTarget.of("127.0.0.1", "local2");
        assertThat(plain.kind()).isEqualTo(LogTarget.Kind.UDP);
        assertThat(plain.host() + " " + plain.port()).isEqualTo("127.0.0.1 514");
        LogTarget withPort = LogTarget.of("udp@10.0.0.5:1514", "local0");
        assertThat(withPort.host() + " " + withPort.port()).isEqualTo("10.0.0.5 1514");
        LogTarget v6 = LogTarget.of("[::1]:5514", "local0");
        assertThat(v6.host() + " " + v6.port()).isEqualTo("::1 5514");
        assertThat(LogTarget.of("ipv6@::1", "local0").host()).isEqualTo("::1");
        assertThat(LogTarget.of("stdout", "local0").kind()).isEqualTo(LogTarget.Kind.STDOUT);
        assertThat(LogTarget.of("stderr", "local0").kind()).isEqualTo(LogTarget.Kind.STDERR);
        assertThat(LogTarget.of("/dev/log", "local0").kind()).isEqualTo(LogTarget.Kind.UNIX);
        assertThat(LogTarget.of("unix@/dev/log", "local0").path()).isEqualTo("/dev/log");
    }

    @Test
    void aTargetsLevelIsTheMostVerboseItTakes() {
        assertThat(LogTarget.of("stdout", "local0").accepts("debug")).isTrue();
        LogTarget notice = new LogTarget("stdout", "local0", "notice");
        assertThat(notice.accepts("err")).isTrue();
        assertThat(notice.accepts("notice")).isTrue();
        assertThat(notice.accepts("info")).isFalse();
    }

    @Test
    void badAddressesFailWhenMade() {
        assertThatThrownBy(() -> LogTarget.of("127.0.0.1:70000", "local2"))
                .hasMessage("log: address "
                        + "'127.0.0.1:70000' (expected: host[:port] with a port of 1-65535, stdout, stderr or a path)");
        assertThatThrownBy(() -> LogTarget.of("syslog.example:x", "local2")).hasMessageContaining("'syslog.example:x'");
        assertThatThrownBy(() -> LogTarget.of("127.0.0.1", "local9")).hasMessageStartingWith("log: facility 'local9'");
    }
}
