package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;

/** Every transport proxies the same way; AUTO takes epoll where Netty's native library loads. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TransportTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @ParameterizedTest
    @EnumSource(Transport.class)
    void eachTransportProxiesAndPoolsServerConnections(Transport transport) throws Exception {
        assumeTrue(transport != Transport.EPOLL || Epoll.isAvailable(), () -> "epoll: " + Epoll.unavailabilityCause());
        assumeTrue(
                transport != Transport.IO_URING || IoUring.isAvailable(),
                () -> "io_uring: " + IoUring.unavailabilityCause());
        RecordingHttpServer server = fjord.recordingServer();
        FjordProxy proxy = fjord.start(
                "defaults\n    mode http\n    timeout client 5s\n    timeout server 5s\n"
                        + "frontend main\n    bind 127.0.0.1:0\n    default_backend app\n"
                        + "backend app\n    server web1 " + server.address() + "\n",
                b -> b.transport(transport));

        for (int i = 0; i < 3; i++) {
            try (RawClient client = new RawClient(proxy.address("main"))) {
                assertThat(client.send("POST /t" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
                                .readResponse())
                        .startsWith("HTTP/1.1 200")
                        .endsWith("ok");
            }
        }
        assertThat(server.received())
                .extracting(r -> r.request().bodyText())
                .containsExactly("hello", "hello", "hello");
        assertThat(server.connections()).as("one pooled server connection").isEqualTo(1);
    }

    @Test
    void autoIsEpollWhereItLoads() {
        assumeTrue(System.getProperty("fjord.transport") == null, "fjord.transport is set for this run");
        Transport expected = Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
        assertThat(Transport.AUTO.resolve()).isEqualTo(expected);
        System.out.println("TransportTest: epoll " + Epoll.isAvailable() + ", io_uring " + IoUring.isAvailable()
                + ", multishot polls " + IoUring.isPollAddMultishotEnabled());
    }
}
