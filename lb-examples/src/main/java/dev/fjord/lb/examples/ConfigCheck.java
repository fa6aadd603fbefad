package dev.fjord.lb.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.LogTarget;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.ServerConfig;
import dev.fjord.lb.core.haproxy.HaproxyImport;
import dev.fjord.lb.netty.InitialAddresses;

/**
 * {@code --check FILE}: what {@code haproxy -c -f FILE} does for a haproxy.cfg, without binding anything. Reads the
 * whole file and reports every error with its line, then the cross-references that {@code build()} checks, then
 * names that would not resolve at start (servers, syslog targets, named servers' {@code init-addr}); prints what the
 * import ignored.
 */
final class ConfigCheck {
    private ConfigCheck() {}

    /**
     * Checks {@code file}, printing the report to {@code out} and each error to {@code err}.
     *
     * @return whether {@code file} is valid
     */
    static boolean run(Path file, PrintStream out, PrintStream err) {
        HaproxyImport.Checked checked;
        try {
            checked = HaproxyImport.check(file);
        } catch (IOException e) {
            err.println(file + ": cannot read: " + e.getMessage());
            return false;
        }
        HaproxyImport imported = checked.imported();
        if (imported == null) {
            if (!checked.report().ignored().isEmpty()
                    || !checked.report().warnings().isEmpty()) {
                out.println(checked.report());
            }
            checked.errors().forEach(err::println);
            err.println(
                    file + ": " + checked.errors().size() + (checked.errors().size() == 1 ? " error" : " errors"));
            return false;
        }
        List<String> errors = new ArrayList<>();
        ProxyConfig config = null;
        try {
            config = imported.builder().build();
        } catch (ConfigException e) {
            errors.addAll(e.errors().stream()
                    .map(error -> file.getFileName() + ": " + error)
                    .toList());
        }
        if (config != null) {
            errors.addAll(unresolved(config, file.getFileName().toString()));
        }
        if (!imported.report().ignored().isEmpty()
                || !imported.report().warnings().isEmpty()) {
            out.println(imported.report());
        }
        if (!errors.isEmpty() || config == null) {
            errors.forEach(err::println);
            err.println(file + ": " + errors.size() + (errors.size() == 1 ? " error" : " errors"));
            return false;
        }
        out.println(file + ": configuration is valid (" + config.frontends().size() + " frontends, "
                + config.backends().size() + " backends, "
                + config.backends().values().stream()
                        .mapToInt(b -> b.servers().size())
                        .sum() + " servers)");
        return true;
    }

    /** Server and syslog names that do not resolve now, as the proxy would find at start. */
    private static List<String> unresolved(ProxyConfig config, String file) {
        List<String> errors = new ArrayList<>();
        for (BackendConfig backend : config.backends().values()) {
            for (ServerConfig server : backend.servers()) {
                String host = server.address().host();
                if (!server.address().isAny()
                        && server.initAddr().isEmpty() // with init-addr: InitialAddresses.problems below
                        && new InetSocketAddress(host, server.address().port()).isUnresolved()) {
                    errors.add(file + ": backend '" + backend.name() + "': server '" + server.name() + "': address '"
                            + host + "' does not resolve (expected: an IP address or a resolvable name)");
                }
            }
        }
        // a named server no init-addr method gives an address to stops the start (init-addr last,libc by default)
        InitialAddresses.problems(config).forEach(problem -> errors.add(file + ": " + problem));
        for (LogTarget target : config.global().logs()) {
            if (target.kind() == LogTarget.Kind.UDP
                    && new InetSocketAddress(target.host(), target.port()).isUnresolved()) {
                errors.add(file + ": global: log '" + target.address() + "' does not resolve (expected: an IP address "
                        + "or a resolvable name)");
            }
        }
        return errors;
    }
}
