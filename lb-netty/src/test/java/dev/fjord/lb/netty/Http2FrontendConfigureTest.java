package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.ProxyConfig;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMethod;

/**
 * {@link Http2Frontend#configure} on a connection that is active already, as the TLS listener calls it once ALPN chose
 * {@code h2}: a bare listener here stands for the TLS one (tracking first, HTTP/2 installed in {@code channelActive}),
 * running on a real proxy's runtime; requests are routed and counted as on a {@code proto h2} bind.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2FrontendConfigureTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer web = fjord.recordingServer();

    @Test
    void configuredOnAnActiveConnectionItServesAndCountsAsAnyHttp2Connection() throws Exception {
        FjordProxy proxy = fjord.start(
                "defaults\n    mode http\n    timeout client 5s\n    timeout server 5s\n"
                        + "frontend main\n    bind 127.0.0.1:0\n    default_backend app\n"
                        + "backend app\n    server web1 " + web.address() + "\n",
                b -> b.transport(Transport.NIO)); // server connections on the NIO loop of the listener below
        ProxyRuntime runtime = proxy.runtime();
        ProxyConfig config = runtime.router.config();
        FrontendConfig main = config.frontend("main");
        FrontendSlot.State state = new FrontendSlot.State(main, RequestPolicy.of(config, main, HttpLimits.DEFAULT));

        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        fjord.closeAfter(
                () -> loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS));
        Channel listener = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ConnectionTracking tracking = new ConnectionTracking(runtime, "main", false);
                        ch.pipeline().addLast(tracking).addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                ctx.fireChannelActive();
                                ctx.pipeline().remove(this); // as a handshake's end: the connection is active
                                Http2Frontend.configure(ctx.pipeline(), runtime, state, tracking);
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
        fjord.closeAfter(() -> listener.close().awaitUninterruptibly(2, TimeUnit.SECONDS));

        NettyH2Client client = fjord.closeAfter(new NettyH2Client((InetSocketAddress) listener.localAddress()));
        for (int i = 0; i < 3; i++) {
            assertThat(client.exchange(NettyH2Client.request(HttpMethod.GET, "/late/" + i, new byte[0]))
                            .text())
                    .isEqualTo("ok");
        }

        assertThat(web.await(3, 5000)).hasSize(3);
        assertThat(proxy.router().frontendCounters("main").sessions()).isEqualTo(1);
        assertThat(proxy.router().frontendCounters("main").requests()).isEqualTo(3);
    }
}
