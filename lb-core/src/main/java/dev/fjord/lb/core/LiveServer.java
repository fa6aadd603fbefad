package dev.fjord.lb.core;

import java.util.concurrent.atomic.AtomicInteger;

/** The {@link Server} of a {@link LiveBackend}; state changes refresh the backend's balancing snapshot. */
final class LiveServer implements Server {
    private volatile ServerConfig config;
    private final LiveBackend backend;
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final Counters counters = new Counters();
    private volatile OperationalState operationalState = OperationalState.UP;
    private volatile AdminState adminState;
    private volatile int weight;
    /** Percent of {@link #weight} in force during slow start; 100 otherwise. */
    private volatile int throttle = 100;

    LiveServer(ServerConfig config, LiveBackend backend) {
        this.config = config;
        this.backend = backend;
        this.adminState = config.disabled() ? AdminState.MAINT : AdminState.READY;
        this.weight = config.weight();
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public ServerConfig config() {
        return config;
    }

    @Override
    public LiveBackend backend() {
        return backend;
    }

    @Override
    public Counters counters() {
        return counters;
    }

    @Override
    public OperationalState operationalState() {
        return operationalState;
    }

    @Override
    public AdminState adminState() {
        return adminState;
    }

    @Override
    public int weight() {
        int configured = weight;
        int percent = throttle;
        return percent >= 100 || configured == 0 ? configured : Math.max(1, configured * percent / 100);
    }

    /** The weight set by configuration or the operator, before slow start. */
    int userWeight() {
        return weight;
    }

    /** Percent of the weight in force ({@code slowstart}); 100 is all of it. */
    int throttle() {
        return throttle;
    }

    void throttle(int percent) {
        this.throttle = Math.max(0, Math.min(100, percent));
        backend.refresh();
    }

    /**
     * Takes {@code next}, a configuration of the same name and address, keeping the run-time state: a changed
     * {@code weight} replaces the one in force (an operator's included), a changed {@code disabled} sets MAINT or
     * READY; health, connections and counters stay. The backend refreshes its snapshot after.
     */
    void reconfigure(ServerConfig next) {
        ServerConfig before = config;
        config = next;
        if (next.weight() != before.weight()) {
            weight = next.weight();
        }
        if (next.disabled() != before.disabled()) {
            adminState = next.disabled() ? AdminState.MAINT : AdminState.READY;
        }
    }

    /** Takes {@code next}, this configuration at another address, keeping every run-time state. */
    void move(ServerConfig next) {
        config = next;
    }

    /** MAINT without an event: for a server leaving with its whole backend. */
    void retireQuietly() {
        adminState = AdminState.MAINT;
    }

    /** DOWN without refreshing the backend: for a server not yet in the balancing snapshot. */
    void markDownQuietly() {
        operationalState = OperationalState.DOWN;
    }

    /** Healthy but taking no new load-balanced traffic ({@code disable-on-404}). */
    void markNoLoadBalancing() {
        operationalState = OperationalState.NOLB;
        backend.refresh();
    }

    @Override
    public int activeConnections() {
        return activeConnections.get();
    }

    @Override
    public void markUp() {
        operationalState = OperationalState.UP;
        backend.refresh();
    }

    @Override
    public void markDown() {
        operationalState = OperationalState.DOWN;
        backend.refresh();
    }

    @Override
    public void adminState(AdminState state) {
        AdminState before = adminState;
        adminState = java.util.Objects.requireNonNull(state, "state");
        backend.refresh();
        backend.adminChanged(this, before, state);
    }

    @Override
    public void weight(int weight) {
        if (weight < 0 || weight > 256) {
            throw new IllegalArgumentException("backend '" + backend.name() + "': server '" + name() + "': weight "
                    + weight + " (expected: 0-256)");
        }
        this.weight = weight;
        backend.refresh();
    }

    @Override
    public void connectionOpened() {
        activeConnections.incrementAndGet();
    }

    @Override
    public void connectionClosed() {
        activeConnections.updateAndGet(n -> n > 0 ? n - 1 : 0);
    }

    @Override
    public String toString() {
        return backend.name() + '/' + name() + ' ' + operationalState + ' ' + adminState + " weight " + weight;
    }
}
