/**
 * Imports a haproxy.cfg into the fluent API: {@link dev.fjord.lb.core.haproxy.HaproxyImport} reads the file into the
 * same {@link dev.fjord.lb.core.ProxyConfig.Builder} that code builds, so an imported configuration can be changed
 * before {@code build()} and compared with one written in Java; what it leaves aside is in its
 * {@link dev.fjord.lb.core.haproxy.ImportReport}. The parser uses only the public API of {@code dev.fjord.lb.core}:
 * every keyword it reads has a builder method.
 *
 * <pre>{@code
 * HaproxyImport imported = HaproxyImport.parse(Path.of("/etc/haproxy/haproxy.cfg"));
 * ProxyConfig config = imported.builder().build();
 * }</pre>
 */
@NullMarked
package dev.fjord.lb.core.haproxy;

import org.jspecify.annotations.NullMarked;
