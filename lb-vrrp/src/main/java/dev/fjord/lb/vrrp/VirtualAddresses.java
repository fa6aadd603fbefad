package dev.fjord.lb.vrrp;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Adds and removes a master's virtual addresses on an interface. Pluggable: {@link #netlink()} talks rtnetlink as
 * keepalived does (the usual choice); {@link #ipCommand} runs iproute2's {@code ip addr}, optionally in a named network
 * namespace. Implementations must be thread-safe; a failure throws saying what and why.
 */
public interface VirtualAddresses {

    void add(Inet4Address address, int prefixLength, String interfaceName) throws IOException;

    /** Removes the address; removing one that is not there is not an error (a stale VIP may or may not exist). */
    void remove(Inet4Address address, int prefixLength, String interfaceName) throws IOException;

    /** rtnetlink in the calling thread's network namespace; see {@link NetlinkAddresses}. */
    static NetlinkAddresses netlink() throws IOException {
        return NetlinkAddresses.open();
    }

    /** {@code ip [-n NAMESPACE] addr add|del ADDRESS/PREFIX dev INTERFACE}, a process per change. */
    static VirtualAddresses ipCommand(@Nullable String namespace) {
        return new VirtualAddresses() {
            @Override
            public void add(Inet4Address address, int prefixLength, String interfaceName) throws IOException {
                run(namespace, "add", address, prefixLength, interfaceName, false);
            }

            @Override
            public void remove(Inet4Address address, int prefixLength, String interfaceName) throws IOException {
                run(namespace, "del", address, prefixLength, interfaceName, true);
            }
        };
    }

    private static void run(
            @Nullable String namespace,
            String verb,
            Inet4Address address,
            int prefixLength,
            String interfaceName,
            boolean absentIsFine)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("ip"));
        if (namespace != null) {
            command.addAll(List.of("-n", namespace));
        }
        command.addAll(List.of("addr", verb, address.getHostAddress() + "/" + prefixLength, "dev", interfaceName));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                throw new IOException(String.join(" ", command) + ": no answer in 10 s");
            }
            // iproute2 before 5.x says the first, later ones the second
            boolean absent = output.contains("Cannot assign requested address") || output.contains("Address not found");
            if (process.exitValue() != 0 && !(absentIsFine && absent)) {
                throw new IOException(String.join(" ", command) + ": " + output
                        + (output.contains("Operation not permitted") ? " (the process needs CAP_NET_ADMIN)" : ""));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
