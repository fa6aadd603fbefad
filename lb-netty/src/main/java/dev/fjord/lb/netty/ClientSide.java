package dev.fjord.lb.netty;

import org.jspecify.annotations.Nullable;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.concurrent.EventExecutor;

/**
 * The client end of an {@link HttpExchange}: an HTTP/1.x connection ({@link HttpProxyHandler}), or one stream of an
 * HTTP/2 connection ({@link Http2ClientStream}). The exchange writes its response here as HTTP/1.1 messages, flushes,
 * follows the client's writability (a connection's socket buffer, a stream's flow-control window) and pauses the
 * client's reads while the server cannot take more of the request. All calls on the client connection's event loop.
 */
interface ClientSide {
    /** The client connection: its event loop, addresses ({@link ClientAddresses}) and TLS facts. */
    Channel connection();

    /** Writes a response part, unflushed; released when the client is gone. */
    void write(HttpObject message);

    /** Flushes what was written. */
    void flush();

    /** Whether the client takes more now: written bytes are not piling up. */
    boolean isWritable();

    /** Whether the client can still be answered. */
    boolean isActive();

    /** Reads the client's request (body), or stops until called with true: back-pressure towards the client. */
    void reads(boolean on);

    /** The pipeline context of an HTTP/1.x connection, which a {@code 101} turns into a tunnel; null for a stream. */
    @Nullable
    ChannelHandlerContext tunnelContext();

    default EventExecutor executor() {
        return connection().eventLoop();
    }

    default ByteBufAllocator alloc() {
        return connection().alloc();
    }
}
