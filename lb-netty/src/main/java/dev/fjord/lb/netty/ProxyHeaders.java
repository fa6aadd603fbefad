package dev.fjord.lb.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;

/** Writes a PROXY protocol header as a connection's first bytes, past any encoder in its pipeline. Static. */
final class ProxyHeaders {
    private ProxyHeaders() {}

    /**
     * Writes and flushes {@code header} ahead of anything else on {@code connection} (flushed: in TCP mode the server
     * may speak first). Call on the connection's event loop, before anything else is written.
     */
    static void write(Channel connection, byte[] header) {
        ChannelHandlerContext first = connection.pipeline().firstContext();
        if (first == null) {
            connection.writeAndFlush(Unpooled.wrappedBuffer(header), connection.voidPromise());
        } else {
            first.writeAndFlush(
                    Unpooled.wrappedBuffer(header), connection.voidPromise()); // from the first handler: raw bytes
        }
    }
}
