package dev.fjord.lb.netty;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;

/**
 * The first handler of a TLS bind: reads the ClientHello's SNI, asks the bind's {@link FrontendTls} for the
 * certificate, and puts the {@link SslHandler} of that context in its place; with {@code strict-sni} and no
 * certificate for the name it answers a fatal {@code unrecognized_name} alert and closes, as BoringSSL would. A
 * ClientHello that does not come within the handshake timeout closes the connection. Not sharable.
 */
final class SniSelector extends AbstractSniHandler<FrontendTls.Selection> {
    private static final Logger log = LoggerFactory.getLogger(SniSelector.class);
    static final AttributeKey<String> SNI = AttributeKey.valueOf("fjord.tls.sni");
    /** TLS record: alert, TLS 1.2, length 2, fatal, unrecognized_name (112). */
    private static final byte[] UNRECOGNIZED_NAME = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70};

    private final FrontendTls tls;

    SniSelector(FrontendTls tls, long handshakeTimeoutMillis) {
        super(handshakeTimeoutMillis);
        this.tls = tls;
    }

    /** The SNI the client asked for on {@code channel} (lower case), or null. */
    static @Nullable String sni(Channel channel) {
        return channel.hasAttr(SNI) ? channel.attr(SNI).get() : null;
    }

    /** Whether the ClientHello being looked up lets the server sign with an ECDSA key ({@link ClientHelloKeys}). */
    private boolean takesEcdsa = true;

    @Override
    protected Future<FrontendTls.Selection> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) throws Exception {
        takesEcdsa = ClientHelloKeys.takesEcdsa(clientHello);
        return super.lookup(ctx, clientHello);
    }

    @Override
    protected Future<FrontendTls.Selection> lookup(ChannelHandlerContext ctx, @Nullable String hostname) {
        FrontendTls.Selection selection = tls.select(hostname, takesEcdsa);
        return selection != null
                ? ctx.executor().newSucceededFuture(selection)
                : ctx.executor().newFailedFuture(new StrictSniRefusal(hostname));
    }

    @Override
    protected void onLookupComplete(
            ChannelHandlerContext ctx, @Nullable String hostname, Future<FrontendTls.Selection> future) {
        if (hostname != null) {
            ctx.channel().attr(SNI).set(hostname);
        }
        if (!future.isSuccess()) {
            log.debug("{}: strict-sni: no certificate for '{}'", ctx.channel(), hostname);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(UNRECOGNIZED_NAME)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        FrontendTls.Selection selection = future.getNow();
        SslHandler handler = selection.context().newHandler(ctx.alloc());
        tls.configure(handler.engine(), selection.staple());
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        ctx.pipeline().replace(this, TlsNames.SSL_HANDLER, handler);
    }

    /** No certificate for the SNI of a {@code strict-sni} bind. */
    private static final class StrictSniRefusal extends Exception {
        private static final long serialVersionUID = 1L;

        StrictSniRefusal(@Nullable String hostname) {
            super(
                    "strict-sni: no certificate for " + (hostname == null ? "a handshake without SNI" : hostname),
                    null,
                    false,
                    false);
        }
    }
}
