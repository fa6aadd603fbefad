package dev.fjord.lb.netty;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/**
 * The I/O transport of a proxy's own event loops. {@link #AUTO}, the default, takes Linux's epoll where Netty's
 * native library loads (Linux x86_64 and aarch64), else Java's NIO; the system property {@code fjord.transport}
 * ({@code nio}, {@code epoll}, {@code io_uring}) overrides it for a whole JVM. io_uring costs 10-25 % less CPU per
 * request where connections are made per request (the README's load benchmark) but is opt-in: on Netty 4.2.18 a
 * connection closed while a write is in flight may stay open (seen after an HTTP/2 GOAWAY and a peers error).
 */
public enum Transport {
    /** epoll where available, else NIO; or what {@code -Dfjord.transport} says. */
    AUTO,
    /** Java NIO: everywhere. */
    NIO,
    /** Linux epoll through Netty's native library. */
    EPOLL,
    /** Linux io_uring through Netty's native library (kernel 5.14 and later, where enabled). */
    IO_URING;

    /**
     * Netty's multishot poll on io_uring (4.2.18) misses a server's reset that follows data: a response cut
     * mid-body with an RST left the client waiting for {@code timeout client} ({@code TruncatedResponseTest}).
     * Single-shot polls see it. Set before Netty's io_uring classes load, unless the host application chose;
     * where they loaded first with multishot polls on, choose epoll.
     */
    static final String IO_URING_MULTISHOT_POLL = "io.netty.iouring.pollAddMultishotEnabled";

    static {
        if (System.getProperty(IO_URING_MULTISHOT_POLL) == null) {
            System.setProperty(IO_URING_MULTISHOT_POLL, "false");
        }
    }

    /** The transport this one stands for on this machine: never {@link #AUTO}. */
    Transport resolve() {
        if (this != AUTO) {
            requireAvailable();
            return this;
        }
        String wanted = System.getProperty("fjord.transport");
        if (wanted != null && !wanted.isBlank()) {
            Transport chosen;
            try {
                chosen = valueOf(
                        wanted.strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "fjord.transport: '" + wanted + "' (expected: nio, epoll or io_uring)");
            }
            return chosen.resolve();
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    private void requireAvailable() {
        Throwable cause = switch (this) {
            case EPOLL -> Epoll.unavailabilityCause();
            case IO_URING -> IoUring.unavailabilityCause();
            default -> null;
        };
        if (cause != null) {
            throw new IllegalStateException(
                    "transport " + name().toLowerCase(java.util.Locale.ROOT) + " is not available here: " + cause,
                    cause);
        }
    }

    IoHandlerFactory ioHandlers() {
        return switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            default -> NioIoHandler.newFactory();
        };
    }

    Class<? extends ServerSocketChannel> serverChannelType() {
        return switch (this) {
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
            default -> NioServerSocketChannel.class;
        };
    }

    Class<? extends SocketChannel> channelType() {
        return switch (this) {
            case EPOLL -> EpollSocketChannel.class;
            case IO_URING -> IoUringSocketChannel.class;
            default -> NioSocketChannel.class;
        };
    }
}
