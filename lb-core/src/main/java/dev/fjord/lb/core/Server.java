package dev.fjord.lb.core;

/**
 * A server of a running {@link Backend}: its configuration plus the run-time state that balancing honours.
 *
 * <p>Thread-safe. Every state change is atomic and takes effect for the next routing decision.
 */
public interface Server {

    /** The server's name, unique in its backend. */
    String name();

    /** The server's configuration as built. */
    ServerConfig config();

    /** The backend this server belongs to. */
    Backend backend();

    /** Health: {@link OperationalState#UP} until marked down. Starts UP. */
    OperationalState operationalState();

    /** Administrative state; starts {@link AdminState#MAINT} for a server configured {@code disabled}, else READY. */
    AdminState adminState();

    /** The current effective weight, 0-256; starts at the configured weight. */
    int weight();

    /** The traffic counters of this server (sessions, bytes, errors, responses), as the stats page shows them. */
    Counters counters();

    /** Requests (or TCP sessions) currently assigned to this server and not yet finished. */
    int activeConnections();

    /** UP, READY and weight above 0: may receive new load-balanced traffic. */
    default boolean isBalanced() {
        return operationalState() == OperationalState.UP && adminState() == AdminState.READY && weight() > 0;
    }

    /**
     * Not DOWN and not in MAINT: may receive persistent traffic (a cookie or a stick entry naming it), even when
     * draining or NOLB.
     */
    default boolean acceptsPersistent() {
        return operationalState() != OperationalState.DOWN && adminState() != AdminState.MAINT;
    }

    /** Marks the server UP (healthy). */
    void markUp();

    /** Marks the server DOWN (unhealthy). */
    void markDown();

    /** Sets the administrative state. */
    void adminState(AdminState state);

    /**
     * Sets the current weight.
     *
     * @throws IllegalArgumentException when {@code weight} is outside 0-256
     */
    void weight(int weight);

    /** Counts a request or session newly assigned to this server (feeds {@code leastconn}, {@code first}). */
    void connectionOpened();

    /** Counts the end of a request or session counted by {@link #connectionOpened()}. */
    void connectionClosed();
}
