package dev.fjord.lb.core;

import java.util.function.Consumer;

/**
 * Builds a {@code listen} section: a frontend and a backend of the same name, sharing settings. Requests not routed
 * elsewhere by a {@code use_backend} rule go to the section's own servers (a stats-only section has none, so they get
 * 503 as in HAProxy). Not thread-safe; made by {@link ProxyConfig.Builder#listen}.
 *
 * <pre>{@code
 * builder.listen("stats", l -> l.bind("*:1936").stats(s -> s.uri("/").hideVersion().auth("admin", password)));
 * }</pre>
 */
public final class ListenBuilder extends SettingsBuilder<ListenBuilder> {
    private final FrontendConfig.Builder frontend;
    private final BackendConfig.Builder backend;

    ListenBuilder(String name, Settings defaults) {
        super("listen '" + name + "'", defaults);
        this.frontend = new FrontendConfig.Builder("listen", name, defaults);
        this.backend = new BackendConfig.Builder("listen", name, defaults);
    }

    /** See {@link FrontendConfig.Builder#bind(String, Consumer)}. */
    public ListenBuilder bind(String address, java.util.function.Consumer<BindOptions.Builder> options) {
        frontend.bind(address, options);
        return this;
    }

    /** See {@link FrontendConfig.Builder#bind(String)}. */
    public ListenBuilder bind(String address) {
        frontend.bind(address);
        return this;
    }

    /** See {@link FrontendConfig.Builder#moveBind(Address, String)}. */
    public ListenBuilder moveBind(Address from, String to) {
        frontend.moveBind(from, to);
        return this;
    }

    /** See {@link FrontendConfig.Builder#clearBinds()}. */
    public ListenBuilder clearBinds() {
        frontend.clearBinds();
        return this;
    }

    /** See {@link FrontendConfig.Builder#acl(String, Acl)}; the section's response rules see it too. */
    public ListenBuilder acl(String name, Acl acl) {
        frontend.acl(name, acl);
        backend.acl(name, acl);
        return this;
    }

    /** See {@link FrontendConfig.Builder#acl(String, String)}; the section's response rules see it too. */
    public ListenBuilder acl(String name, String criterion) {
        frontend.acl(name, criterion);
        backend.acl(name, criterion);
        return this;
    }

    /**
     * An {@code http-response} rule of the section, applied once to responses of requests it receives or routes to
     * its servers (HAProxy's single proxy). See {@link FrontendConfig.Builder#httpResponse(HttpResponseRule)}.
     */
    public ListenBuilder httpResponse(HttpResponseRule rule) {
        frontend.httpResponse(rule);
        backend.httpResponse(rule);
        return this;
    }

    /**
     * An {@code http-after-response} rule of the section, applied once as {@link #httpResponse} is. See
     * {@link FrontendConfig.Builder#httpAfterResponse(HttpResponseRule)}.
     */
    public ListenBuilder httpAfterResponse(HttpResponseRule rule) {
        frontend.httpAfterResponse(rule);
        backend.httpAfterResponse(rule);
        return this;
    }

    /** See {@link FrontendConfig.Builder#httpRequest(HttpRequestRule)}. */
    public ListenBuilder httpRequest(HttpRequestRule rule) {
        frontend.httpRequest(rule);
        return this;
    }

    /** See {@link FrontendConfig.Builder#inspectDelay(java.time.Duration)}. */
    public ListenBuilder inspectDelay(java.time.Duration delay) {
        frontend.inspectDelay(delay);
        return this;
    }

    /** See {@link FrontendConfig.Builder#tcpContent(TcpContentRule)}. */
    public ListenBuilder tcpContent(TcpContentRule rule) {
        frontend.tcpContent(rule);
        return this;
    }

    /** See {@link FrontendConfig.Builder#useBackend(String, String)}. */
    public ListenBuilder useBackend(String backend, String condition) {
        frontend.useBackend(backend, condition);
        return this;
    }

    /** See {@link FrontendConfig.Builder#useBackend(String)}. */
    public ListenBuilder useBackend(String backend) {
        frontend.useBackend(backend);
        return this;
    }

    /** See {@link FrontendConfig.Builder#useBackend(String, Condition)}. */
    public ListenBuilder useBackend(String backend, Condition condition) {
        frontend.useBackend(backend, condition);
        return this;
    }

    /**
     * The backend for requests no {@code use_backend} rule routes ({@code default_backend}); default the section's
     * own servers. See {@link FrontendConfig.Builder#defaultBackend(String)}.
     */
    public ListenBuilder defaultBackend(String backend) {
        frontend.defaultBackend(backend);
        return this;
    }

    /** See {@link FrontendConfig.Builder#stats(Consumer)}. */
    public ListenBuilder stats(Consumer<StatsConfig.Builder> spec) {
        frontend.stats(spec);
        return this;
    }

    /** See {@link BackendConfig.Builder#server(String, String, Consumer)}. */
    public ListenBuilder server(String name, String address, Consumer<ServerConfig.Builder> spec) {
        backend.server(name, address, spec);
        return this;
    }

    /** See {@link BackendConfig.Builder#serverTemplate(String, int, String, String, boolean, Consumer)}. */
    public ListenBuilder serverTemplate(
            String prefix,
            int count,
            String fqdn,
            String resolvers,
            boolean preferIpv6,
            Consumer<ServerConfig.Builder> spec) {
        backend.serverTemplate(prefix, count, fqdn, resolvers, preferIpv6, spec);
        return this;
    }

    /** See {@link BackendConfig.Builder#resolvedServer(String, String, String, boolean, Consumer)}. */
    public ListenBuilder resolvedServer(
            String name, String fqdn, String resolvers, boolean preferIpv6, Consumer<ServerConfig.Builder> spec) {
        return resolvedServer(name, fqdn, resolvers, preferIpv6, "none", spec);
    }

    /** See {@link BackendConfig.Builder#resolvedServer(String, String, String, boolean, String, Consumer)}. */
    public ListenBuilder resolvedServer(
            String name,
            String fqdn,
            String resolvers,
            boolean preferIpv6,
            String initAddr,
            Consumer<ServerConfig.Builder> spec) {
        backend.resolvedServer(name, fqdn, resolvers, preferIpv6, initAddr, spec);
        return this;
    }

    /** See {@link BackendConfig.Builder#server(String, String)}. */
    public ListenBuilder server(String name, String address) {
        backend.server(name, address);
        return this;
    }

    /** See {@link BackendConfig.Builder#editServer(String, Consumer)}. */
    public ListenBuilder editServer(String name, Consumer<ServerConfig.Builder> spec) {
        backend.editServer(name, spec);
        return this;
    }

    /** See {@link BackendConfig.Builder#defaultServer(Consumer)}. */
    public ListenBuilder defaultServer(Consumer<ServerConfig.Builder> spec) {
        backend.defaultServer(spec);
        return this;
    }

    /** See {@link BackendConfig.Builder#cookie(Cookie)}. */
    public ListenBuilder cookie(Cookie cookie) {
        backend.cookie(cookie);
        return this;
    }

    /** See {@link FrontendConfig.Builder#captureRequestHeader(String, int)}. */
    public ListenBuilder captureRequestHeader(String name, int length) {
        frontend.captureRequestHeader(name, length);
        return this;
    }

    /** See {@link FrontendConfig.Builder#captureResponseHeader(String, int)}. */
    public ListenBuilder captureResponseHeader(String name, int length) {
        frontend.captureResponseHeader(name, length);
        return this;
    }

    /** See {@link FrontendConfig.Builder#captureCookie(String, int)}. */
    public ListenBuilder captureCookie(String name, int length) {
        frontend.captureCookie(name, length);
        return this;
    }

    /** See {@link BackendConfig.Builder#stickTable(StickTable)}. */
    public ListenBuilder stickTable(StickTable stickTable) {
        backend.stickTable(stickTable);
        return this;
    }

    /** See {@link BackendConfig.Builder#stick(StickRule)}. */
    public ListenBuilder stick(StickRule rule) {
        backend.stick(rule);
        return this;
    }

    /** See {@link FrontendConfig.Builder#tcpRequestConnection(TcpConnectionRule)}. */
    public ListenBuilder tcpRequestConnection(TcpConnectionRule rule) {
        frontend.tcpRequestConnection(rule);
        return this;
    }

    /** See {@link FrontendConfig.Builder#tcpRequestSession(TcpConnectionRule)}. */
    public ListenBuilder tcpRequestSession(TcpConnectionRule rule) {
        frontend.tcpRequestSession(rule);
        return this;
    }

    /** See {@link BackendConfig.Builder#allBackups()}. */
    public ListenBuilder allBackups() {
        backend.allBackups();
        return this;
    }

    FrontendConfig buildFrontend(String name) {
        if (!frontend.hasDefaultBackend()) {
            frontend.defaultBackend(name);
        }
        return frontend.buildWith(settings());
    }

    BackendConfig buildBackend() {
        return backend.buildWith(settings());
    }
}
