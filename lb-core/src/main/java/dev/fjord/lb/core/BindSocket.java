package dev.fjord.lb.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The socket options of one {@code bind} line, as HAProxy sets them on its listening socket. Immutable;
 * {@link #DEFAULT} sets none. The Linux-only options ({@code defer-accept}, {@code tfo}, {@code transparent},
 * {@code tcp-ut}, {@code v4v6}, {@code v6only}) need the epoll transport; on another the proxy warns and binds without
 * them, as HAProxy ignores them where the system lacks them.
 *
 * @param backlog the listen backlog ({@code backlog}); 0: the frontend's ({@code backlog}, else its {@code maxconn},
 *     else the global {@code maxconn})
 * @param v4v6 an IPv6 wildcard address takes IPv4 connections too, whatever the system's default ({@code v4v6})
 * @param v6only an IPv6 address takes IPv6 connections only ({@code v6only}; wins over {@code v4v6})
 * @param deferAccept a connection is accepted once its first data arrive, or after a second ({@code defer-accept})
 * @param fastOpen TCP Fast Open, its queue as long as the backlog ({@code tfo})
 * @param transparent binds an address that is not the machine's own, for traffic routed to it
 *     ({@code transparent}; needs {@code CAP_NET_ADMIN})
 * @param userTimeout how long sent data may go unacknowledged before the connection is dropped ({@code tcp-ut});
 *     null: the system's
 */
public record BindSocket(
        int backlog,
        boolean v4v6,
        boolean v6only,
        boolean deferAccept,
        boolean fastOpen,
        boolean transparent,
        @Nullable Duration userTimeout) {
    /** No option: the system's defaults and the frontend's backlog. */
    public static final BindSocket DEFAULT = new BindSocket(0, false, false, false, false, false, null);

    public BindSocket {
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog " + backlog + " (expected: 0 or more)");
        }
        if (userTimeout != null && (userTimeout.isNegative() || userTimeout.toMillis() > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("tcp-ut " + userTimeout + " (expected: 0 to 24 days)");
        }
    }

    /** Whether some option needs Linux's epoll transport. */
    public boolean needsLinux() {
        return v4v6 || v6only || deferAccept || fastOpen || transparent || userTimeout != null;
    }
}
