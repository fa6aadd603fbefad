package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.fjord.lb.core.Balance;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpProxyTest {
    private EchoServer db1;
    private EchoServer db2;
    private FjordProxy proxy;

    @BeforeEach
    void start() throws IOException {
        db1 = new EchoServer("db1");
        db2 = new EchoServer("db2");
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close(Duration.ofSeconds(1));
        }
        db1.close();
        db2.close();
    }

    private FjordProxy proxy(String db1Address) {
        proxy = FjordProxy.builder(Router.of(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.TCP)
                                .retries(1)
                                .redispatch(true)
                                .timeoutConnect(Duration.ofMillis(300))
                                .timeoutClient(Duration.ofSeconds(5))
                                .timeoutServer(Duration.ofSeconds(5)))
                        .frontend("sql", f -> f.bind("127.0.0.1:0").defaultBackend("db"))
                        .backend(
                                "db",
                                b -> b.balance(Balance.roundRobin())
                                        .server("db1", db1Address)
                                        .server("db2", "127.0.0.1:" + db2.port()))
                        .build()))
                .ioThreads(1)
                .start();
        return proxy;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(
                InetAddress.getLoopbackAddress(), proxy.address("sql").getPort());
        socket.setSoTimeout(5000);
        return socket;
    }

    private static String greeting(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }

    @Test
    void connectionsAreBalancedRoundRobin() throws IOException {
        proxy("127.0.0.1:" + db1.port());

        try (Socket a = connect();
                Socket b = connect();
                Socket c = connect()) {
            assertThat(greeting(a.getInputStream())).isEqualTo("db1");
            assertThat(greeting(b.getInputStream())).isEqualTo("db2");
            assertThat(greeting(c.getInputStream())).isEqualTo("db1");
        }
    }

    @Test
    void bytesFlowBothWaysIntact() throws Exception {
        proxy("127.0.0.1:" + db1.port());
        byte[] payload = new byte[4 * 1024 * 1024];
        new Random(3).nextBytes(payload);

        try (Socket socket = connect()) {
            InputStream in = socket.getInputStream();
            assertThat(greeting(in)).isEqualTo("db1");
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(payload);
                    out.flush();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            byte[] echoed = new byte[payload.length];
            new DataInputStream(in).readFully(echoed);
            writer.join(5000);
            assertThat(echoed).isEqualTo(payload);
        }
    }

    @Test
    void refusedConnectionIsRedispatched() throws IOException {
        int dead;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = closed.getLocalPort();
        }
        proxy("127.0.0.1:" + dead);

        try (Socket socket = connect()) {
            assertThat(greeting(socket.getInputStream())).isEqualTo("db2");
        }
    }

    @Test
    void idleSessionsCloseAfterTheClientTimeout() throws IOException {
        proxy = FjordProxy.builder(Router.of(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.TCP)
                                .timeoutClient(Duration.ofMillis(300))
                                .timeoutServer(Duration.ofSeconds(10)))
                        .frontend("sql", f -> f.bind("127.0.0.1:0").defaultBackend("db"))
                        .backend("db", b -> b.server("db1", "127.0.0.1:" + db1.port()))
                        .build()))
                .ioThreads(1)
                .start();

        try (Socket socket = connect()) {
            InputStream in = socket.getInputStream();
            assertThat(greeting(in)).isEqualTo("db1");
            assertThat(in.read()).isEqualTo(-1); // nothing for 300 ms: the proxy closed the session
        }
    }

    @Test
    void globalMaxConnHoldsExtraConnectionsUntilOneCloses() throws IOException {
        proxy = FjordProxy.builder(Router.of(ProxyConfig.builder()
                        .global(g -> g.maxConn(1))
                        .defaults(d -> d.mode(Mode.TCP))
                        .frontend("sql", f -> f.bind("127.0.0.1:0").defaultBackend("db"))
                        .backend("db", b -> b.server("db1", "127.0.0.1:" + db1.port()))
                        .build()))
                .ioThreads(1)
                .start();

        Socket first = connect();
        assertThat(greeting(first.getInputStream())).isEqualTo("db1");
        try (Socket second = connect()) {
            second.setSoTimeout(300);
            assertThat(org.assertj.core.api.Assertions.catchThrowable(
                            () -> second.getInputStream().read()))
                    .isInstanceOf(java.net.SocketTimeoutException.class); // accepted by the kernel, not by Fjord
            first.close();
            second.setSoTimeout(5000);
            assertThat(greeting(second.getInputStream())).isEqualTo("db1");
        }
    }

    @Test
    void frontendMaxConnIsExactUnderABurstAndEachCloseAdmitsOneMore() throws IOException {
        proxy = FjordProxy.builder(Router.of(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.TCP))
                        .frontend(
                                "sql",
                                // a backlog above maxconn, so the whole burst completes its handshakes
                                f -> f.bind("127.0.0.1:0")
                                        .defaultBackend("db")
                                        .maxConn(2)
                                        .backlog(16))
                        .backend("db", b -> b.server("db1", "127.0.0.1:" + db1.port()))
                        .build()))
                .ioThreads(2)
                .start();
        java.util.List<Socket> burst = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) { // in the backlog at once: one wake-up of the listener accepts them all
                burst.add(connect());
            }
            assertThat(served(burst))
                    .as("served of a burst of 12 with maxconn 2")
                    .isEqualTo(2);

            Socket servedOne = burst.stream()
                    .filter(socket -> socket.isInputShutdown())
                    .findFirst()
                    .orElseThrow();
            servedOne.close();
            burst.remove(servedOne);
            assertThat(served(burst)).as("served after one closed").isEqualTo(1);
        } finally {
            for (Socket socket : burst) {
                socket.close();
            }
        }
    }

    /**
     * How many of {@code sockets} not yet served get their greeting within 300 ms; each one served is marked by
     * shutting its input down.
     */
    private static int served(java.util.List<Socket> sockets) throws IOException {
        int served = 0;
        for (Socket socket : sockets) {
            if (socket.isInputShutdown()) {
                continue;
            }
            socket.setSoTimeout(300);
            try {
                if (greeting(socket.getInputStream()).equals("db1")) {
                    served++;
                    socket.shutdownInput();
                }
            } catch (java.net.SocketTimeoutException e) {
                // held: not accepted by Fjord
            }
        }
        return served;
    }

    @Test
    void sessionsAreLoggedInTcplogFormat() throws IOException {
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        proxy = FjordProxy.builder(Router.of(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.TCP).logGlobal(true).logFormat(dev.fjord.lb.core.LogFormat.TCP))
                        .frontend("sql", f -> f.bind("127.0.0.1:0").defaultBackend("db"))
                        .backend("db", b -> b.server("db1", "127.0.0.1:" + db1.port()))
                        .build()))
                .ioThreads(1)
                .accessLog((entry, line) -> lines.add(line))
                .start();

        try (Socket socket = connect()) {
            assertThat(greeting(socket.getInputStream())).isEqualTo("db1");
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lines.isEmpty() && System.nanoTime() < end) {
            Thread.onSpinWait();
        }

        assertThat(lines)
                .singleElement()
                .asString()
                .matches("127\\.0\\.0\\.1:\\d+ \\[[^]]+\\] sql db/db1 " + "0/\\d+/\\d+ 4 -- \\d/\\d/\\d/\\d/0 0/0");
    }
}
