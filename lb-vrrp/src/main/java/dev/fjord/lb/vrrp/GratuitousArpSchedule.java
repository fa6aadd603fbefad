package dev.fjord.lb.vrrp;

import java.time.Duration;
import java.util.Objects;

/**
 * When a new master announces its virtual addresses with gratuitous ARPs, as keepalived's {@code garp_master_*}
 * settings: {@code repeat} ARPs per address at once, as many again after {@code delay} (zero: no second burst),
 * and {@code refreshRepeat} every {@code refresh} while it stays master (zero: no refresh). Immutable.
 *
 * @param repeat {@code garp_master_repeat}, 0-255; keepalived's default 5
 * @param delay {@code garp_master_delay}; keepalived's default 5 s
 * @param refresh {@code garp_master_refresh}; keepalived's default zero, off
 * @param refreshRepeat {@code garp_master_refresh_repeat}, 1-255; keepalived's default 1
 */
public record GratuitousArpSchedule(int repeat, Duration delay, Duration refresh, int refreshRepeat) {
    /** keepalived's defaults: 5 at once, 5 more after 5 s, no refresh. */
    public static final GratuitousArpSchedule KEEPALIVED =
            new GratuitousArpSchedule(5, Duration.ofSeconds(5), Duration.ZERO, 1);

    /**
     * @throws IllegalArgumentException for a count outside its range or a negative duration, naming the setting
     */
    public GratuitousArpSchedule {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(refresh, "refresh");
        if (repeat < 0 || repeat > 255) {
            throw new IllegalArgumentException("garp_master_repeat " + repeat + " (expected: 0-255)");
        }
        if (refreshRepeat < 1 || refreshRepeat > 255) {
            throw new IllegalArgumentException("garp_master_refresh_repeat " + refreshRepeat + " (expected: 1-255)");
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("garp_master_delay " + delay + " (expected: zero or more)");
        }
        if (refresh.isNegative()) {
            throw new IllegalArgumentException("garp_master_refresh " + refresh + " (expected: zero or more)");
        }
    }
}
