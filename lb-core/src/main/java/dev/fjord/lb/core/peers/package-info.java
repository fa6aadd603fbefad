/**
 * HAProxy's peers protocol (v2.1) as pure functions over bytes: the handshake lines ({@link PeerHandshake}), the
 * messages ({@link PeerMessage}), their framing and decoding ({@link PeerDecoder}) and encoding
 * ({@link PeerEncoder}), with HAProxy's encoded integers ({@link PeerVarint}). No sockets and no clock: a transport
 * frames bytes and calls these; {@link dev.fjord.lb.core.SharedTable} turns messages into stick table entries.
 *
 * @see <a href="https://github.com/haproxy/haproxy/blob/master/doc/peers-v2.0.txt">doc/peers-v2.0.txt</a>
 */
@NullMarked
package dev.fjord.lb.core.peers;

import org.jspecify.annotations.NullMarked;
