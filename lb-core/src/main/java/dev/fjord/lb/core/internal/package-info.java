/**
 * Helpers that lb-core's packages share and that are not part of its API: splitting HAProxy's words and quotes
 * ({@code Words}), reading cookie headers ({@code Cookies}), and writing and matching addresses
 * ({@code InetAddresses}, {@code IpNetwork}). Public only so that {@code dev.fjord.lb.core} and
 * {@code dev.fjord.lb.core.haproxy} can both use them; they may change at any time, and other modules do not use
 * them.
 */
@NullMarked
package dev.fjord.lb.core.internal;

import org.jspecify.annotations.NullMarked;
