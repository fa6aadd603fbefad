package dev.fjord.lb.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * On a TLS bind whose {@code alpn} offers {@code h2}, waits for the handshake, then makes the connection HTTP/2
 * ({@link Http2Frontend}) when ALPN chose {@code h2}, else HTTP/1.x ({@link FrontendListener#http1}), and leaves the
 * pipeline. Nothing is read before: the TLS handler holds the client's first bytes until the handshake is done. Not
 * sharable: one per connection, on its event loop.
 */
final class AlpnSwitch extends ChannelInboundHandlerAdapter {
    private final ProxyRuntime runtime;
    private final FrontendSlot.State state;
    private final ConnectionTracking tracking;

    AlpnSwitch(ProxyRuntime runtime, FrontendSlot.State state, ConnectionTracking tracking) {
        this.runtime = runtime;
        this.state = state;
        this.tracking = tracking;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent done) {
            ChannelPipeline pipeline = ctx.pipeline();
            pipeline.remove(this);
            if (done.isSuccess()) {
                SslHandler tls = pipeline.get(SslHandler.class);
                if (tls != null && "h2".equals(tls.applicationProtocol())) {
                    Http2Frontend.configure(pipeline, runtime, state, tracking);
                } else {
                    HttpProxyHandler handler = FrontendListener.http1(pipeline, runtime, state, tracking);
                    // the connection is active already: the handler starts its session and head timer now
                    handler.channelActive(pipeline.context(handler));
                }
            }
        }
        ctx.fireUserEventTriggered(event);
    }
}
