package dev.fjord.lb.netty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.fjord.lb.core.peers.PeerDecoder;
import dev.fjord.lb.core.peers.PeerHandshake;
import dev.fjord.lb.core.peers.PeerProtocolException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Frames a peers connection: handshake lines (Strings without their line feed, at most
 * {@link PeerHandshake#MAX_LINE} bytes) until {@link #messages()} is called, then whole messages decoded by a
 * {@link PeerDecoder} ({@code PeerMessage}s). Bytes after the last handshake line in the same read are kept for the
 * messages. One per connection, on its event loop.
 */
final class PeerFrameDecoder extends ByteToMessageDecoder {
    private final PeerDecoder decoder = new PeerDecoder();
    private boolean lines = true;

    /** From now on, decodes messages. */
    void messages() {
        lines = false;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            frame(in, out);
        } catch (PeerProtocolException e) {
            in.skipBytes(in.readableBytes()); // the connection closes: nothing after the error is read
            throw e;
        }
    }

    private void frame(ByteBuf in, List<Object> out) {
        if (lines) {
            int end = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (end < 0) {
                if (in.readableBytes() > PeerHandshake.MAX_LINE) {
                    throw new PeerProtocolException("handshake line over " + PeerHandshake.MAX_LINE + " bytes");
                }
                return;
            }
            out.add(in.readCharSequence(end - in.readerIndex(), StandardCharsets.US_ASCII)
                    .toString());
            in.skipBytes(1);
            return;
        }
        ByteBuffer view = in.nioBuffer(in.readerIndex(), in.readableBytes());
        int length = PeerDecoder.frameLength(view);
        if (length < 0) {
            return;
        }
        out.add(decoder.decode(view.slice(0, length)));
        in.skipBytes(length);
    }
}
