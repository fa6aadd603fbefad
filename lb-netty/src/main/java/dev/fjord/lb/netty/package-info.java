/**
 * The Fjord transport: turns a {@code dev.fjord.lb.core} configuration into a running HTTP/TCP proxy on Reactor Netty.
 * Not implemented yet (see the proxy issue); the module exists so the build and its dependency direction are fixed.
 */
@NullMarked
package dev.fjord.lb.netty;

import org.jspecify.annotations.NullMarked;
