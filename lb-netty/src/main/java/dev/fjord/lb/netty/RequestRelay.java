package dev.fjord.lb.netty;

import java.util.ArrayDeque;

import org.jspecify.annotations.Nullable;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The request, from the client to the server: its body held while there is no server connection, then the head
 * and the body written as they arrive, the client paused while the server connection cannot take more (and resumed
 * when it can). Every part sent is also given to the {@link RetryPolicy}. Not thread-safe: the client connection's
 * event loop, which the server connection shares.
 */
final class RequestRelay {
    private final ClientSide client;
    /** Made at the first part held: most requests are sent before their (empty) last part arrives. */
    private @Nullable ArrayDeque<HttpContent> held;

    private long heldBytes;
    private @Nullable Channel server;
    private boolean received;
    private boolean sent;

    RequestRelay(ClientSide client) {
        this.client = client;
    }

    /** Whether the last part of the request arrived from the client. */
    boolean received() {
        return received;
    }

    /** Whether the whole request went to the current server connection. */
    boolean sent() {
        return sent;
    }

    /** Notes that a part arrived, before it is relayed, discarded or read as a form. */
    void arrived(HttpContent part) {
        received |= part instanceof LastHttpContent;
    }

    /**
     * Relays a body part: held without a server connection, else written (and kept by {@code retry}).
     *
     * @return whether it completed the request on the server connection
     */
    boolean relay(HttpContent part, RetryPolicy retry) {
        Channel channel = server;
        if (channel == null) {
            if (held == null) {
                held = new ArrayDeque<>(4);
            }
            held.add(part);
            heldBytes += part.content().readableBytes();
            return false;
        }
        retry.remember(part);
        channel.write(part);
        if (part instanceof LastHttpContent) {
            sent = true;
            channel.flush();
            return true;
        }
        if (!channel.isWritable()) {
            // pause the client first: the flush may make the server side writable again at once
            client.reads(false);
            channel.flush();
            if (channel.isWritable()) {
                clientReads(true);
            }
        }
        return false;
    }

    /**
     * Writes {@code head} to a new server connection, then the body kept for a retry, then the parts held.
     *
     * @return whether the request is complete on it
     */
    boolean connected(Channel channel, HttpRequest head, RetryPolicy retry) {
        server = channel;
        channel.write(head);
        boolean wroteLast = retry.retrying() && retry.replayTo(channel);
        heldBytes = 0;
        ArrayDeque<HttpContent> parts = held;
        HttpContent part;
        while (parts != null && (part = parts.poll()) != null) {
            wroteLast |= part instanceof LastHttpContent;
            retry.remember(part);
            channel.write(part);
        }
        if (received && !wroteLast) {
            channel.write(LastHttpContent.EMPTY_LAST_CONTENT); // a retry of a body-less request
        }
        channel.flush();
        if (received) {
            sent = true;
        } else {
            clientReads(channel.isWritable());
        }
        return received;
    }

    /** The server connection can take more, or not: the client reads while the request is still arriving. */
    void serverWritable(boolean writable) {
        if (!received) {
            clientReads(writable);
        }
    }

    /** Reads the client, or stops. */
    private void clientReads(boolean reads) {
        client.reads(reads);
    }

    /** The server connection is gone (a retry, the end): a new one gets the whole request again. */
    void detached() {
        server = null;
        sent = false;
    }

    /** The body bytes held while there is no server connection. */
    long heldBytes() {
        return heldBytes;
    }

    /** Frees the parts still held. */
    void release() {
        heldBytes = 0;
        ArrayDeque<HttpContent> parts = held;
        HttpContent part;
        while (parts != null && (part = parts.poll()) != null) {
            part.release();
        }
    }
}
