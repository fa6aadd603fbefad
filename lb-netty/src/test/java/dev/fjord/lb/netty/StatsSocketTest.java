package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.AdminState;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StatsSocketTest {

    private static String command(Path socket, String line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** Each CSV row's proxy, name and status: what must agree between two reads a moment apart. */
    private static java.util.List<String> rowsOf(String csv) {
        return csv.lines()
                .filter(line -> !line.isBlank())
                .map(line -> {
                    String[] fields = line.split(",", -1);
                    return fields[0] + "," + fields[1] + "," + fields[17];
                })
                .toList();
    }

    private static ProxyConfig config(String socket) {
        return ProxyConfig.builder()
                .global(g -> g.statsSocket(socket))
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                .backend("app", b -> b.server("web1", "127.0.0.1:9").server("web2", "127.0.0.1:10"))
                .build();
    }

    @Test
    void runtimeCommandsOverTheUnixSocket(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("fjord.sock");
        try (FjordProxy proxy = FjordProxy.builder(Router.of(config(socket.toString())))
                .ioThreads(1)
                .start()) {
            assertThat(command(socket, "show stat"))
                    .startsWith("# pxname,svname,qcur,qmax,scur,smax,slim,stot,")
                    .contains("\napp,web1,", "\nmain,FRONTEND,");
            assertThat(command(socket, "set server app/web1 state drain")).isEmpty();
            assertThat(proxy.router().backend("app").requireServer("web1").adminState())
                    .isEqualTo(AdminState.DRAIN);
            assertThat(command(socket, "show info")).contains("Name: Fjord", "CurrConns: 0");
            String viaSocket = command(socket, "show stat");
            RequestHead csv = RequestHead.get("/;csv");
            String viaPage = StatsPage.render(
                            proxy.runtime(),
                            new RouteDecision.Stats(proxy.router().config().frontend("main"), csv, csv, false),
                            csv.uri())
                    .body();
            assertThat(rowsOf(viaSocket)).isEqualTo(rowsOf(viaPage)); // the same proxies, servers and states
            assertThat(command(socket, "frobnicate")).startsWith("Unknown command.");
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void aSocketThatCannotBeCreatedFailsTheStart(@TempDir Path dir) {
        String missing = dir.resolve("no/such/dir/fjord.sock").toString();

        assertThatThrownBy(() -> FjordProxy.builder(Router.of(config(missing)))
                        .ioThreads(1)
                        .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("global: stats socket '" + missing + "': cannot listen");
    }

    @Test
    void reloadReadsTheSourceAgainAndKeepsTheRunningConfigurationWhenItIsBad(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("fjord.sock");
        java.util.concurrent.atomic.AtomicReference<Object> next = new java.util.concurrent.atomic.AtomicReference<>();
        try (FjordProxy proxy = FjordProxy.builder(Router.of(config(socket.toString())))
                .ioThreads(1)
                .reloadFrom(() -> {
                    if (next.get() instanceof ProxyConfig config) {
                        return config;
                    }
                    throw (IOException) next.get();
                })
                .start()) {
            next.set(ProxyConfig.builder()
                    .global(g -> g.statsSocket(socket.toString()))
                    .defaults(d -> d.mode(Mode.HTTP))
                    .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                    .backend("app", b -> b.server("web1", "127.0.0.1:9").server("web3", "127.0.0.1:11"))
                    .build());
            assertThat(command(socket, "reload"))
                    .isEqualTo("Success=1\n--\nbackends ~[app]; servers +[app/web3] -[app/web2]\n");
            assertThat(proxy.router().backend("app").server("web3")).isNotNull();

            next.set(new IOException("cannot read /etc/fjord/haproxy.cfg: no such file"));
            assertThat(command(socket, "reload"))
                    .isEqualTo("Success=0\n--\ncannot read /etc/fjord/haproxy.cfg: no such file\n");
            assertThat(proxy.router().backend("app").server("web3")).isNotNull();
            assertThat(command(socket, "show stat")).contains("\napp,web3,");
        }
    }

    @Test
    void reloadWithoutASourceIsRefused(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("fjord.sock");
        try (FjordProxy proxy = FjordProxy.builder(Router.of(config(socket.toString())))
                .ioThreads(1)
                .start()) {
            assertThat(command(socket, "reload")).startsWith("Success=0\n--\nreload: ");
            assertThatThrownBy(proxy::reload)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("reloadFrom");
        }
    }
}
