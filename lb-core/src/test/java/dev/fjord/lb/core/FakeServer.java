package dev.fjord.lb.core;

/**
 * A {@link Server} whose weight and connection count a test sets directly, for the balancers, which never ask a
 * server for its backend.
 */
final class FakeServer implements Server {
    private final ServerConfig config;
    private int weight;
    private int connections;
    private final Counters counters = new Counters();

    FakeServer(String name, int weight) {
        this(name, weight, 0);
    }

    FakeServer(String name, int weight, int maxConn) {
        this.config = new ServerConfig.Builder("backend 'test'", name, "127.0.0.1:80")
                .weight(weight)
                .maxConn(maxConn)
                .build();
        this.weight = weight;
    }

    FakeServer connections(int connections) {
        this.connections = connections;
        return this;
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
    public Backend backend() {
        throw new UnsupportedOperationException("FakeServer '" + name() + "' belongs to no backend: use a Router's "
                + "servers where a test needs one");
    }

    @Override
    public Counters counters() {
        return counters;
    }

    @Override
    public OperationalState operationalState() {
        return OperationalState.UP;
    }

    @Override
    public AdminState adminState() {
        return AdminState.READY;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public int activeConnections() {
        return connections;
    }

    @Override
    public void markUp() {}

    @Override
    public void markDown() {}

    @Override
    public void adminState(AdminState state) {}

    @Override
    public void weight(int weight) {
        this.weight = weight;
    }

    @Override
    public void connectionOpened() {
        connections++;
    }

    @Override
    public void connectionClosed() {
        connections--;
    }

    @Override
    public String toString() {
        return name();
    }
}
