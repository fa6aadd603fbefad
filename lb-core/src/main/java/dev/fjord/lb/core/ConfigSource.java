package dev.fjord.lb.core;

import java.io.IOException;

/**
 * Where a running proxy reads its configuration again when told to reload (the stats socket's {@code reload}, a
 * {@code SIGHUP} in the command line): a haproxy.cfg, a service, or code.
 *
 * <pre>{@code
 * ConfigSource file = () -> HaproxyImport.parse(Path.of("/etc/fjord/haproxy.cfg")).builder().build();
 * }</pre>
 */
@FunctionalInterface
public interface ConfigSource {
    /**
     * The configuration as it is now.
     *
     * @throws ConfigException when it is not valid, naming what and where
     * @throws IOException when it cannot be read
     */
    ProxyConfig load() throws IOException;
}
