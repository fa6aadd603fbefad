package dev.fjord.lb.netty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

/**
 * A real HTTP/2 client for tests: Netty's frame codec and multiplexer, h2c with prior knowledge, each request on a
 * stream of its own, its response aggregated. Thread-safe (requests may be sent from any thread).
 */
final class NettyH2Client implements AutoCloseable {
    /** A response read whole. */
    record Reply(int status, HttpHeaders headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel connection;

    NettyH2Client(InetSocketAddress address) throws InterruptedException {
        connection = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(Http2FrameCodecBuilder.forClient()
                                        .initialSettings(Http2Settings.defaultSettings())
                                        .build())
                                .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect(address)
                .sync()
                .channel();
    }

    /** A request of {@code method} for {@code path} on {@code localhost}, with {@code body} (may be empty). */
    static FullHttpRequest request(HttpMethod method, String path, byte[] body) {
        FullHttpRequest request =
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path, Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, "localhost");
        if (body.length > 0) {
            request.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        return request;
    }

    /** Sends {@code request} on a new stream; the reply when its response ended, failed when the stream did first. */
    CompletableFuture<Reply> send(FullHttpRequest request) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        openStream(new SimpleChannelInboundHandler<FullHttpResponse>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                        if (response.status().code() >= 200) {
                            reply.complete(new Reply(
                                    response.status().code(),
                                    response.headers().copy(),
                                    ByteBufUtil.getBytes(response.content())));
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        reply.completeExceptionally(new IOException("stream closed before its response"));
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        reply.completeExceptionally(cause);
                        ctx.close();
                    }
                })
                .whenComplete((stream, failure) -> {
                    if (failure != null) {
                        request.release();
                        reply.completeExceptionally(failure);
                    } else {
                        stream.writeAndFlush(request);
                    }
                });
        return reply;
    }

    /** Sends {@code request} and waits up to 10 s for its reply. */
    Reply exchange(FullHttpRequest request) throws Exception {
        return send(request).get(10, TimeUnit.SECONDS);
    }

    /** Opens a stream whose HTTP/1.1 objects {@code handler} reads (a response aggregated up to 64 MiB). */
    CompletableFuture<Http2StreamChannel> openStream(ChannelHandler handler) {
        CompletableFuture<Http2StreamChannel> opened = new CompletableFuture<>();
        new Http2StreamChannelBootstrap(connection)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        ch.pipeline()
                                .addLast(new Http2StreamFrameToHttpObjectCodec(false))
                                .addLast(new HttpObjectAggregator(64 << 20))
                                .addLast(handler);
                    }
                })
                .open()
                .addListener(f -> {
                    if (f.isSuccess()) {
                        opened.complete((Http2StreamChannel) f.getNow());
                    } else {
                        opened.completeExceptionally(f.cause());
                    }
                });
        return opened;
    }

    /** Whether the connection is still open. */
    boolean isOpen() {
        return connection.isActive();
    }

    @Override
    public void close() {
        connection.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
