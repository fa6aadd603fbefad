package dev.fjord.lb.netty;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Frames HTTP/1.1 requests from a client strictly: a {@code HttpRequest}, its body as it arrives (never
 * aggregated), then a {@code LastHttpContent}, request after request. The head is parsed by
 * {@link RequestHeadParser}; bodies follow Content-Length or chunked framing, chunk lines and trailers bounded by
 * {@link HttpLimits}. Anything malformed or ambiguous yields one {@link RequestRejected} and nothing more is decoded
 * on the connection, so it can never reach a server.
 *
 * <p>Not sharable: one per connection. {@link ClientHttp1Codec} adds the response encoder.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9112#section-7.1">RFC 9112 7.1: chunked transfer coding</a>
 */
class StrictRequestDecoder extends ByteToMessageDecoder {
    /** Empty lines tolerated before a request line (RFC 9112 2.2 asks for at least one). */
    private static final int MAX_LEADING_EMPTY_BYTES = 64;

    private enum State {
        HEAD,
        FIXED_BODY,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_END,
        TRAILERS,
        REJECTED
    }

    /** Told when the first bytes of each request head arrive (the head timer, the request's record). */
    interface HeadListener {
        void headBytesArrived();
    }

    private final RequestPolicy policy;
    private final HttpLimits limits;
    private final @Nullable HeadListener listener;
    /** Whether {@link #listener} heard of the head being read. */
    private boolean headStarted;

    private State state = State.HEAD;
    /** The request line of the head being read, checked as soon as it was complete. */
    private RequestHeadParser.@Nullable RequestLine line;
    /** The request whose body is being read. */
    private @Nullable ParsedRequest current;
    /** Bytes of the current head or trailer block already scanned for its end. */
    private int scanned;
    /** Where the header fields start, after the request line, relative to the reader index; 0 before it ends. */
    private int headerStart;

    private int leadingEmpty;
    private long remaining;
    private long bodyBytes;

    StrictRequestDecoder(RequestPolicy policy) {
        this(policy, null);
    }

    StrictRequestDecoder(RequestPolicy policy, @Nullable HeadListener listener) {
        this.policy = policy;
        this.limits = policy.limits();
        this.listener = listener;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            while (in.isReadable() && step(in, out)) {
                // each step consumed something and may be followed by another
            }
        } catch (RequestHeadParser.Rejection rejection) {
            state = State.REJECTED;
            in.skipBytes(in.readableBytes());
            out.add(new RequestRejected(rejection.status, String.valueOf(rejection.getMessage())));
        }
        if (state == State.REJECTED) {
            in.skipBytes(in.readableBytes());
        }
    }

    /** One step of the state machine; false when it needs more bytes. */
    private boolean step(ByteBuf in, List<Object> out) throws RequestHeadParser.Rejection {
        switch (state) {
            case HEAD -> {
                return head(in, out);
            }
            case FIXED_BODY -> {
                int length = (int) Math.min(remaining, in.readableBytes());
                remaining -= length;
                ByteBuf part = in.readRetainedSlice(length);
                if (remaining == 0) {
                    out.add(new DefaultLastHttpContent(part));
                    state = State.HEAD;
                } else {
                    out.add(new DefaultHttpContent(part));
                }
                return true;
            }
            case CHUNK_SIZE -> {
                return chunkSize(in);
            }
            case CHUNK_DATA -> {
                int length = (int) Math.min(remaining, in.readableBytes());
                remaining -= length;
                out.add(new DefaultHttpContent(in.readRetainedSlice(length)));
                if (remaining == 0) {
                    state = State.CHUNK_END;
                }
                return true;
            }
            case CHUNK_END -> {
                return chunkEnd(in);
            }
            case TRAILERS -> {
                return trailers(in, out);
            }
            default -> {
                in.skipBytes(in.readableBytes());
                return false;
            }
        }
    }

    private boolean head(ByteBuf in, List<Object> out) throws RequestHeadParser.Rejection {
        if (!headStarted && listener != null) {
            headStarted = true;
            listener.headBytesArrived();
        }
        if (scanned == 0) {
            while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
                in.skipBytes(1);
                if (++leadingEmpty > MAX_LEADING_EMPTY_BYTES) {
                    throw new RequestHeadParser.Rejection(400, "too many empty lines before the request");
                }
            }
        }
        int length = blockLength(in, true);
        if (length < 0) {
            return false;
        }
        leadingEmpty = 0;
        RequestHeadParser.RequestLine requestLine = java.util.Objects.requireNonNull(line, "checked when its LF came");
        line = null;
        RequestHeadParser.Head head = RequestHeadParser.parse(in.readSlice(length), requestLine, policy);
        current = head.request();
        if (limits.maxBodyBytes() > 0 && head.contentLength() > limits.maxBodyBytes()) {
            throw new RequestHeadParser.Rejection(
                    413, "Content-Length " + head.contentLength() + " over the limit of " + limits.maxBodyBytes());
        }
        headStarted = false;
        out.add(head.request());
        if (head.chunked()) {
            bodyBytes = 0;
            state = State.CHUNK_SIZE;
        } else if (head.contentLength() > 0) {
            remaining = head.contentLength();
            state = State.FIXED_BODY;
        } else {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        return true;
    }

    /**
     * The length of the head (or trailer block) at the reader index up to and including its empty line, or -1 when
     * it is not all here yet. Enforces the request-line and header-size limits while scanning.
     */
    private int blockLength(ByteBuf in, boolean withRequestLine) throws RequestHeadParser.Rejection {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int lineStart = start + scanned;
        while (true) {
            int lf = in.indexOf(lineStart, end, (byte) '\n');
            boolean requestLine = withRequestLine && lineStart == start;
            int reached = lf < 0 ? end : lf + 1;
            if (requestLine && reached - start > limits.maxRequestLine() + 2) {
                throw new RequestHeadParser.Rejection(
                        414, "request line longer than " + limits.maxRequestLine() + " bytes");
            }
            int fieldsStart = withRequestLine ? start + headerStart : start;
            if (!requestLine && reached - fieldsStart > limits.maxHeaderBytes() + 2) {
                throw new RequestHeadParser.Rejection(
                        431, "header fields larger than " + limits.maxHeaderBytes() + " bytes");
            }
            if (lf < 0) {
                scanned = lineStart - start;
                return -1;
            }
            if (requestLine) {
                headerStart = lf + 1 - start;
                line = RequestHeadParser.requestLine(in, start, lf, limits); // an HTTP/0.9 line fails here, at once
            }
            boolean empty = lf == lineStart || (lf == lineStart + 1 && in.getByte(lineStart) == '\r');
            if (!requestLine && !empty) {
                RequestHeadParser.checkFieldLine(in, lineStart, lf); // a bad line fails now, not at a timeout
            }
            if (empty && !requestLine) {
                scanned = 0;
                headerStart = 0;
                return lf + 1 - start;
            }
            lineStart = lf + 1;
        }
    }

    private boolean chunkSize(ByteBuf in) throws RequestHeadParser.Rejection {
        int start = in.readerIndex();
        int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > limits.maxChunkLine()) {
                throw new RequestHeadParser.Rejection(400, "chunk-size line longer than " + limits.maxChunkLine());
            }
            return false;
        }
        if (lf - start > limits.maxChunkLine()) {
            throw new RequestHeadParser.Rejection(400, "chunk-size line longer than " + limits.maxChunkLine());
        }
        int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        long size = 0;
        int i = start;
        for (; i < end; i++) {
            int digit = Character.digit(in.getByte(i), 16);
            if (digit < 0) {
                break;
            }
            if (i - start >= 15) {
                throw new RequestHeadParser.Rejection(400, "chunk size too large");
            }
            size = size * 16 + digit;
        }
        if (i == start) {
            throw new RequestHeadParser.Rejection(400, "chunk-size line without a size");
        }
        int ext = i;
        while (ext < end && (in.getByte(ext) == ' ' || in.getByte(ext) == '\t')) {
            ext++;
        }
        if (ext < end && in.getByte(ext) != ';') {
            throw new RequestHeadParser.Rejection(400, "invalid chunk-size line");
        }
        for (int j = ext; j < end; j++) {
            int b = in.getByte(j) & 0xff;
            if ((b < 0x20 && b != '\t') || b >= 0x7f) { // controls, and bytes no extension needs (not even obs-text)
                throw new RequestHeadParser.Rejection(
                        400, "byte 0x" + Integer.toHexString(b) + " in a chunk extension");
            }
        }
        in.readerIndex(lf + 1);
        bodyBytes += size;
        if (limits.maxBodyBytes() > 0 && bodyBytes > limits.maxBodyBytes()) {
            throw new RequestHeadParser.Rejection(413, "chunked body over the limit of " + limits.maxBodyBytes());
        }
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
        return true;
    }

    private boolean chunkEnd(ByteBuf in) throws RequestHeadParser.Rejection {
        int start = in.readerIndex();
        byte first = in.getByte(start);
        if (first == '\n') {
            in.skipBytes(1);
        } else if (first == '\r') {
            if (in.readableBytes() < 2) {
                return false;
            }
            if (in.getByte(start + 1) != '\n') {
                throw new RequestHeadParser.Rejection(400, "chunk data not followed by CRLF");
            }
            in.skipBytes(2);
        } else {
            throw new RequestHeadParser.Rejection(400, "chunk data longer than its size");
        }
        state = State.CHUNK_SIZE;
        return true;
    }

    private boolean trailers(ByteBuf in, List<Object> out) throws RequestHeadParser.Rejection {
        int length = blockLength(in, false);
        if (length < 0) {
            return false;
        }
        LastHttpContent last = new DefaultLastHttpContent(in.alloc().buffer(0), HttpMessages.CHECKED_TRAILERS);
        ByteBuf block = in.readSlice(length);
        try {
            RequestHeadParser.parseFields(block, last.trailingHeaders(), limits);
            int removed = RequestFields.trailers(last.trailingHeaders(), policy);
            if (current != null) {
                current.dropped(removed);
            }
        } catch (RequestHeadParser.Rejection e) {
            last.release();
            throw e;
        }
        out.add(last);
        state = State.HEAD;
        return true;
    }
}
