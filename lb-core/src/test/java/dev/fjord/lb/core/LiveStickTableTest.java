package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.internal.InetAddresses;

/** The Caffeine-backed table: keys cast to the table's type, expiry after the last update, bounds, nopurge. */
class LiveStickTableTest {
    private final VirtualTime time = new VirtualTime();

    private LiveStickTable table(StickTable definition) {
        return new LiveStickTable("t", definition, false, time);
    }

    private static Object ip(String text) {
        return InetAddresses.parseLiteral(text);
    }

    @Test
    void anEntryExpiresAfterItsLastUpdateNotItsLastLookup() {
        LiveStickTable table = table(StickTable.ip(10).expire(Duration.ofSeconds(30)));
        Object key = table.key(ip("192.0.2.1"));
        StickEntry entry = table.acquire(key, false);
        time.advance(Duration.ofSeconds(20));
        assertThat(table.lookup(key)).isSameAs(entry); // a lookup: no refresh
        time.advance(Duration.ofSeconds(11));
        assertThat(table.lookup(key)).isNull();
        assertThat(table.used()).isZero();

        StickEntry again = table.acquire(key, false);
        time.advance(Duration.ofSeconds(20));
        table.touch(again); // an update: 30 s from now
        time.advance(Duration.ofSeconds(29));
        assertThat(table.lookup(key)).isSameAs(again);
    }

    @Test
    void anEntryInUseNeitherExpiresNorIsDroppedUntilReleased() {
        LiveStickTable table = table(StickTable.ip(2).expire(Duration.ofSeconds(10)));
        StickEntry tracked = table.acquire(table.key(ip("192.0.2.1")), true);
        time.advance(Duration.ofMinutes(5));
        for (int i = 2; i < 50; i++) { // churn: the table holds 2 entries
            table.acquire(table.key(ip("192.0.2." + i)), false);
        }
        assertThat(table.lookup(tracked.key())).isSameAs(tracked);
        assertThat(tracked.use()).isEqualTo(1);

        table.touch(tracked);
        table.release(tracked);
        assertThat(tracked.use()).isZero();
        time.advance(Duration.ofSeconds(9));
        assertThat(table.lookup(tracked.key())).isSameAs(tracked);
        time.advance(Duration.ofSeconds(2));
        assertThat(table.lookup(tracked.key())).isNull();
    }

    @Test
    void aFullTableDropsEntriesToMakeRoomAndStaysWithinItsSize() {
        LiveStickTable table = table(StickTable.integer(100));
        for (int i = 0; i < 1_000; i++) {
            assertThat(table.acquire(table.key(i), false)).isNotNull();
        }
        assertThat(table.used()).isBetween(1, 100);
    }

    @Test
    void aFullNoPurgeTableRefusesNewEntries() {
        LiveStickTable table = table(StickTable.integer(3).noPurge());
        for (int i = 0; i < 3; i++) {
            assertThat(table.acquire(table.key(i), false)).isNotNull();
        }
        assertThat(table.acquire(table.key(99), false)).isNull();
        assertThat(table.acquire(table.key(1), true)).isNotNull(); // an existing entry is still found
        assertThat(table.used()).isEqualTo(3);
    }

    @Test
    void samplesAreCastToTheTablesKeyType() {
        StickTable ip = StickTable.ip(10);
        Object key = StickKeys.key(ip, ip("192.0.2.7"));
        assertThat(StickKeys.text(key)).isEqualTo("192.0.2.7");
        assertThat(StickKeys.key(ip, ip("::ffff:192.0.2.7"))).isEqualTo(key);
        assertThat(StickKeys.key(ip, ip("2002:c000:0207::1"))).isEqualTo(key); // 6to4
        assertThat(StickKeys.key(ip, ip("2001:db8::1"))).isNull(); // not storable in an IPv4 table
        assertThat(StickKeys.key(ip, "192.0.2.7")).isEqualTo(key); // a header's text
        assertThat(StickKeys.key(ip, "not an address")).isNull();

        StickTable v6 = StickTable.ipv6(10);
        assertThat(StickKeys.text(StickKeys.key(v6, ip("192.0.2.7")))).isEqualTo("::ffff:192.0.2.7");
        assertThat(StickKeys.text(StickKeys.key(v6, ip("2001:db8:0:0:0:0:0:1"))))
                .isEqualTo("2001:db8::1");

        assertThat(StickKeys.key(StickTable.string(10).keyLength(5), "abcdefgh"))
                .isEqualTo("abcde");
        assertThat(StickKeys.key(StickTable.string(10), ip("192.0.2.7"))).isEqualTo("192.0.2.7");
        assertThat(StickKeys.key(StickTable.integer(10), "42abc")).isEqualTo(42L);
        assertThat(StickKeys.key(StickTable.integer(10), ip("0.0.1.2"))).isEqualTo(258L);
        assertThat(StickKeys.key(StickTable.integer(10), -1)).isEqualTo(0xffff_ffffL); // 32-bit unsigned
    }

    @Test
    void ratesAreReadAtTheTablesTime() {
        LiveStickTable table = table(StickTable.ip(10).store(StickData.HTTP_REQ_RATE, Duration.ofSeconds(10)));
        StickEntry entry = table.acquire(table.key(ip("192.0.2.1")), false);
        time.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 8; i++) {
            entry.add(StickData.HTTP_REQ_CNT, StickData.HTTP_REQ_RATE, 1, table.nowMillis());
        }
        assertThat(entry.read(StickData.HTTP_REQ_RATE, table.nowMillis())).isEqualTo(8);
        assertThat(entry.read(StickData.HTTP_REQ_CNT, table.nowMillis())).isNull(); // not stored
        time.advance(Duration.ofSeconds(15)); // half of the period is still in the window
        assertThat(entry.read(StickData.HTTP_REQ_RATE, table.nowMillis())).isEqualTo(4);
    }
}
