package dev.fjord.lb.core.haproxy;

import java.util.ArrayList;
import java.util.List;

/**
 * A bind address with a port range, {@code ADDRESS:LOW-HIGH}, as the addresses HAProxy binds for it: one per port,
 * {@code ADDRESS:LOW} to {@code ADDRESS:HIGH}. Stateless.
 */
final class PortRanges {
    private PortRanges() {}

    /**
     * The addresses {@code address} stands for: itself when its port is no range.
     *
     * @throws IllegalArgumentException for a range that is not {@code LOW-HIGH} with 1 <= LOW <= HIGH <= 65535
     */
    static List<String> expand(String address) {
        int colon = address.lastIndexOf(':');
        String port = colon < 0 ? "" : address.substring(colon + 1);
        int dash = port.indexOf('-');
        if (dash <= 0 || !port.substring(0, dash).chars().allMatch(Character::isDigit)) {
            return List.of(address); // a plain port, or one the address parser names as wrong
        }
        int low = port(address, port.substring(0, dash));
        int high = port(address, port.substring(dash + 1));
        if (low > high) {
            throw new IllegalArgumentException(
                    "bind address '" + address + "': port range " + port + " (expected: LOW-HIGH, LOW not above HIGH)");
        }
        String host = address.substring(0, colon + 1);
        List<String> addresses = new ArrayList<>(high - low + 1);
        for (int p = low; p <= high; p++) {
            addresses.add(host + p);
        }
        return addresses;
    }

    private static int port(String address, String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(
                    "bind address '" + address + "': port range end '" + text + "' (expected: LOW-HIGH, each 1-65535)");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(
                    "bind address '" + address + "': port range end " + port + " (expected: LOW-HIGH, each 1-65535)");
        }
        return port;
    }
}
