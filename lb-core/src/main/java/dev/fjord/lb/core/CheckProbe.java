package dev.fjord.lb.core;

import java.util.function.Consumer;

/**
 * Performs one health check of a server and reports its result: the part of health checking that needs sockets,
 * which lb-netty provides. The probe must call {@code done} exactly once, within the check's timeout.
 */
@FunctionalInterface
public interface CheckProbe {

    /**
     * Checks {@code server}: an HTTP request when its backend has {@code option httpchk}, else a TCP connection.
     *
     * @param server the server, with its check address and port in {@link Server#config()}
     * @param check the HTTP check to send, or null for a TCP connect check
     * @param done receives the result, from any thread
     */
    void check(Server server, @org.jspecify.annotations.Nullable HttpCheck check, Consumer<CheckResult> done);
}
