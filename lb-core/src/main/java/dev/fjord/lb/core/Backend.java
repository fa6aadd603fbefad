package dev.fjord.lb.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A running backend: its configuration and its {@linkplain Server servers} with their run-time state.
 * Obtained from {@link Router#backend(String)}.
 *
 * <p>Thread-safe. A change to any server's state, weight or connection count is seen by the next routing decision.
 */
public interface Backend {

    /** The backend's name. */
    String name();

    /** The backend's configuration as built. */
    BackendConfig config();

    /** The traffic counters of the backend as a whole. */
    Counters counters();

    /** The servers, in declaration order. */
    List<Server> servers();

    /** The server called {@code name}, or null. */
    @Nullable
    Server server(String name);

    /**
     * The server called {@code name}.
     *
     * @throws IllegalArgumentException naming the backend and the servers it has, when there is no such server
     */
    default Server requireServer(String name) {
        Server server = server(name);
        if (server == null) {
            throw new IllegalArgumentException(
                    "backend '" + name() + "': server '" + name + "' is not defined (defined: "
                            + servers().stream().map(Server::name).toList() + ")");
        }
        return server;
    }

    /**
     * The balancing step alone: a server chosen by the backend's {@code balance} for {@code request} among the usable
     * active servers (the backups when none is), never {@code avoid} when another one is usable. No persistence, no
     * rules: for transports that have no frontend, such as a load-balanced HTTP client; a proxy uses
     * {@link Router#route}. Hash-based algorithms hash what {@code request} carries (path, query parameter, header,
     * client address). Lock-free.
     *
     * @return the server, or null when no server is usable (or {@code avoid} is the only one)
     */
    @Nullable
    Server pick(RequestHead request, @Nullable Server avoid);

    /**
     * Adds a server while running, configured like a {@code server} line (the backend's {@code default-server}
     * does not apply). A server with {@code check} starts DOWN and takes traffic once it passed {@code rise} checks.
     *
     * @throws ConfigException when the name or cookie value is taken, or a value is invalid
     */
    Server addServer(String name, String address, java.util.function.Consumer<ServerConfig.Builder> spec);

    /**
     * Moves server {@code name} to {@code address} while running, keeping everything else: its health, administrative
     * state, weight, counters and persistent clients. Requests in flight finish at the old address, new ones go to
     * the new one. HAProxy's {@code set server B/S addr}; DNS does it to a named server whose address changes.
     *
     * @param by what moved it, for the log: {@code "stats socket command"}, {@code "DNS cache"}, ...
     * @throws IllegalArgumentException when there is no such server
     * @throws ConfigException when {@code address} is not {@code host:port}
     */
    void moveServer(String name, String address, String by);

    /**
     * Removes a server while running: it takes no new requests, its persistent clients go elsewhere, and requests
     * in flight finish.
     *
     * @throws IllegalArgumentException when there is no such server
     */
    void removeServer(String name);
}
