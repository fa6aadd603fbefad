package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.BindSocket;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;

/** A bind's socket options ({@code v4v6}, {@code v6only}, {@code defer-accept}, ...) on real listening sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BindSocketOptionsTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @Test
    void anIpv6WildcardWithoutBracketsTakesBothFamiliesAndV6onlyOnlyIpv6() throws IOException {
        assumeTrue(Epoll.isAvailable(), "needs the epoll transport: " + Epoll.unavailabilityCause());
        assumeTrue(hasIpv6Loopback(), "needs ::1 on the loopback interface");
        FjordProxy proxy = fjord.start("""
                defaults
                    mode http
                    timeout client 5s
                frontend both
                    bind :::0 v4v6
                    http-request return status 200 content-type text/plain string both
                frontend six
                    bind :::0 v6only
                    http-request return status 200 content-type text/plain string six
                """);
        int both = proxy.address("both").getPort();
        int six = proxy.address("six").getPort();

        assertThat(get(InetAddress.getByName("127.0.0.1"), both)).endsWith("both");
        assertThat(get(InetAddress.getByName("::1"), both)).endsWith("both");
        assertThat(get(InetAddress.getByName("::1"), six)).endsWith("six");
        assertThatThrownBy(() -> get(InetAddress.getByName("127.0.0.1"), six)).isInstanceOf(ConnectException.class);
    }

    @Test
    void theLinuxOptionsAreSetOnTheListeningSocketAndItsConnections() throws Exception {
        assumeTrue(Epoll.isAvailable(), "needs the epoll transport: " + Epoll.unavailabilityCause());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap =
                    listener(group, new BindSocket(0, false, false, true, true, false, Duration.ofMillis(7000)));
            Channel listener = bootstrap.bind(LOOPBACK).sync().channel();

            assertThat(listener.config().getOption(EpollChannelOption.TCP_DEFER_ACCEPT))
                    .isPositive();
            assertThat(listener.config().getOption(ChannelOption.TCP_FASTOPEN)).isEqualTo(50);
            // the child's option: read back on the accepted connection
            java.util.concurrent.CompletableFuture<Integer> userTimeout =
                    new java.util.concurrent.CompletableFuture<>();
            bootstrap.childHandler(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(io.netty.channel.ChannelHandlerContext ctx) {
                    userTimeout.complete(((EpollSocketChannel) ctx.channel())
                            .config()
                            .getOption(EpollChannelOption.TCP_USER_TIMEOUT));
                }
            });
            Channel second = bootstrap.bind(LOOPBACK).sync().channel();
            try (Socket client = new Socket()) {
                client.connect(second.localAddress());
                client.getOutputStream().write('x'); // defer-accept: accepted once data come
                assertThat(userTimeout.get(5, TimeUnit.SECONDS)).isEqualTo(7000);
            }
            listener.close().sync();
            second.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void withoutOptionsNothingIsSet() throws Exception {
        assumeTrue(Epoll.isAvailable(), "needs the epoll transport: " + Epoll.unavailabilityCause());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel listener =
                    listener(group, BindSocket.DEFAULT).bind(LOOPBACK).sync().channel();

            assertThat(listener.config().getOption(EpollChannelOption.TCP_DEFER_ACCEPT))
                    .isZero();
            assertThat(listener.config().getOption(ChannelOption.TCP_FASTOPEN)).isZero();
            listener.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** A listener on 127.0.0.1 with {@code socket}'s options, on an epoll loop of {@code group}. */
    private static ServerBootstrap listener(EventLoopGroup group, BindSocket socket) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter());
        ListenerSockets.apply(bootstrap, socket, LOOPBACK, EpollServerSocketChannel.class, 50, "test");
        return bootstrap;
    }

    private static boolean hasIpv6Loopback() {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return probe.getLocalPort() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static String get(InetAddress host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
