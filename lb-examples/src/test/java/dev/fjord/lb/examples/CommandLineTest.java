package dev.fjord.lb.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar's options, and {@code --check}: every error with its line, nothing bound. */
class CommandLineTest {
    @TempDir
    Path dir;

    @Test
    void optionsAreParsedStrictly() throws Exception {
        assertThat(CommandLine.parse(List.of())).isEqualTo(new CommandLine(CommandLine.Mode.DEMO, null, false));
        assertThat(CommandLine.parse(List.of("--routes")))
                .isEqualTo(new CommandLine(CommandLine.Mode.DEMO, null, true));
        assertThat(CommandLine.parse(List.of("--config", "a.cfg", "--routes")))
                .isEqualTo(new CommandLine(CommandLine.Mode.CONFIG, Path.of("a.cfg"), true));
        assertThat(CommandLine.parse(List.of("--check", "a.cfg")))
                .isEqualTo(new CommandLine(CommandLine.Mode.CHECK, Path.of("a.cfg"), false));
        assertThat(CommandLine.parse(List.of("-c", "-f", "a.cfg")).mode()).isEqualTo(CommandLine.Mode.CHECK);
        // as haproxy takes them: -c and -f in either order; and --check with --config
        assertThat(CommandLine.parse(List.of("-f", "a.cfg", "-c")))
                .isEqualTo(new CommandLine(CommandLine.Mode.CHECK, Path.of("a.cfg"), false));
        assertThat(CommandLine.parse(List.of("--check", "--config", "a.cfg")))
                .isEqualTo(new CommandLine(CommandLine.Mode.CHECK, Path.of("a.cfg"), false));
        assertThat(CommandLine.parse(List.of("--config", "a.cfg", "--check")))
                .isEqualTo(new CommandLine(CommandLine.Mode.CHECK, Path.of("a.cfg"), false));
        assertThat(CommandLine.parse(List.of("--help")).mode()).isEqualTo(CommandLine.Mode.HELP);

        assertThatThrownBy(() -> CommandLine.parse(List.of("--bogus"))).hasMessage("unknown option '--bogus'");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--config"))).hasMessage("--config: missing FILE");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--config", "--routes")))
                .hasMessage("--config: missing FILE");
        assertThatThrownBy(() -> CommandLine.parse(List.of("-c")))
                .hasMessage("-c: expected -c -f FILE, as haproxy takes it");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--check", "a.cfg", "--routes")))
                .hasMessage("--routes and --check: choose one");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--config", "a.cfg", "--check", "b.cfg")))
                .hasMessage("--check: one FILE at most (already a.cfg)");
    }

    @Test
    void checkingAGoodFileBindsNothing() throws Exception {
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // the file binds a port this test holds: a check that tried to bind it would fail
            Path file = write("""
                    global
                        daemon
                    frontend main
                        mode http
                        bind 127.0.0.1:%d
                        default_backend app
                    backend app
                        mode http
                        server web1 127.0.0.1:8081 check
                    """.formatted(held.getLocalPort()));

            Output output = check(file);

            assertThat(output.valid).isTrue();
            assertThat(output.out)
                    .contains("ignored: haproxy.cfg:2: daemon")
                    .contains("configuration is valid (1 frontends, 1 backends, 1 servers)");
            assertThat(output.err).isEmpty();
        }
    }

    @Test
    void checkingListsEveryKeywordNotSupportedYetWithItsLine() throws Exception {
        Path file = write("""
                global
                    daemon
                    lua-load /etc/haproxy/a.lua
                defaults
                    mode http
                    option logasap
                frontend main
                    bind :80
                    log stdout format raw local0
                    rate-limit sessions 10
                    http-request use-service lua.hello
                    default_backend app
                backend app
                    option prefer-last-server
                    server web1 127.0.0.1
                """);

        Output output = check(file);

        String notYet = " is not supported yet (see the README's table of supported keywords)";
        assertThat(output.valid).isFalse();
        assertThat(output.out).contains("ignored: haproxy.cfg:2: daemon");
        assertThat(output.err.lines())
                .containsExactly(
                        "haproxy.cfg:3: 'lua-load' in global" + notYet,
                        "haproxy.cfg:6: 'option logasap' in defaults" + notYet,
                        "haproxy.cfg:10: 'rate-limit sessions' in frontend 'main'" + notYet,
                        "haproxy.cfg:11: 'http-request use-service' in frontend 'main': use-service 'lua.hello' is not "
                                + "supported yet (expected: prometheus-exporter)",
                        "haproxy.cfg:14: 'option prefer-last-server' in backend 'app'" + notYet,
                        file + ": 5 errors");
    }

    @Test
    void checkingABadFileListsEveryErrorWithItsLine() throws Exception {
        Path file = write("""
                global
                    maxconn lots
                frontend main
                    bind :80
                    balanse roundrobin
                    default_backend app
                backend app
                    server web1 127.0.0.1:80 weight 300
                """);

        Output output = check(file);

        assertThat(output.valid).isFalse();
        assertThat(output.err.lines())
                .containsExactly(
                        "haproxy.cfg:2: 'maxconn' in global: 'lots' (expected: a whole number)",
                        "haproxy.cfg:5: unknown keyword 'balanse' in frontend 'main' (see the README's table of "
                                + "supported keywords)",
                        "haproxy.cfg:8: 'server' in backend 'app': server 'web1': weight 300 (expected: 0-256)",
                        file + ": 3 errors");
    }

    @Test
    void checkingReportsNamesThatWouldNotResolveAtStart() throws Exception {
        Path file = write("""
                frontend main
                    mode http
                    bind :80
                    default_backend app
                backend app
                    mode http
                    server web1 web1.invalid:80
                """);

        Output output = check(file);

        assertThat(output.valid).isFalse();
        assertThat(output.err)
                .contains("haproxy.cfg: backend 'app': server 'web1': address 'web1.invalid' does not "
                        + "resolve (expected: an IP address or a resolvable name)");
    }

    @Test
    void checkingReportsANamedServerThatNoInitAddrMethodGivesAnAddress() throws Exception {
        Path file = write("""
                resolvers dns
                    nameserver local 127.0.0.1:53
                frontend main
                    mode http
                    bind :80
                    default_backend app
                backend app
                    mode http
                    server db db.unresolved.test:5432 resolvers dns init-addr last
                    server web web.unresolved.test:80 resolvers dns init-addr last,127.0.0.1
                    server api localhost:80 resolvers dns init-addr libc
                """);

        Output output = check(file);

        assertThat(output.valid).isFalse();
        assertThat(output.err.lines())
                .containsExactly(
                        "haproxy.cfg: backend 'app': server 'db': init-addr last: no address for 'db.unresolved.test'"
                                + " (expected: a name the system resolver knows, an IP address, or 'none' to start"
                                + " without one)",
                        file + ": 1 error");
    }

    private record Output(boolean valid, String out, String err) {}

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("haproxy.cfg"), text);
    }

    private static Output check(Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        boolean valid = ConfigCheck.run(
                file,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Output(valid, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
