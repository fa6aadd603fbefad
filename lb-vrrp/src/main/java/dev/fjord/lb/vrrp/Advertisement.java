package dev.fjord.lb.vrrp;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A VRRP advertisement, version 2 (RFC 3768) or 3 (RFC 5798), IPv4. Immutable.
 *
 * @param version 2 or 3
 * @param vrid the virtual router, 1-255
 * @param priority 0 (the master is leaving) to 255 (the address owner)
 * @param interval the advertisement interval: whole seconds in v2, centiseconds in v3
 * @param addresses the virtual addresses
 * @param password the v2 simple-text password (at most 8 bytes), or empty for none (always empty in v3)
 */
public record Advertisement(
        int version, int vrid, int priority, Duration interval, List<Inet4Address> addresses, String password) {

    public Advertisement {
        Objects.requireNonNull(interval, "interval");
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(password, "password");
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("version: " + version + " (expected: 2 or 3)");
        }
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("vrid: " + vrid + " (expected: 1-255)");
        }
        if (priority < 0 || priority > 255) {
            throw new IllegalArgumentException("priority: " + priority + " (expected: 0-255)");
        }
        if (addresses.isEmpty() || addresses.size() > 255) {
            throw new IllegalArgumentException("addresses: " + addresses.size() + " (expected: 1-255)");
        }
        if (version == 3 && !password.isEmpty()) {
            throw new IllegalArgumentException("password: VRRPv3 has no authentication (expected: none)");
        }
        if (password.length() > 8) {
            throw new IllegalArgumentException("password: " + password.length() + " characters (expected: <= 8)");
        }
        long max = version == 2 ? 255_000 : 40_950;
        if (interval.isNegative() || interval.isZero() || interval.toMillis() > max) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: up to " + max + " ms)");
        }
    }
}
