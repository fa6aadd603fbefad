package dev.fjord.lb.core;

/**
 * Routes requests through one frontend of a {@link Router}, whatever port they name: what a routing test wants when
 * a configuration has several frontends (a {@code listen stats} section beside the main one, say).
 *
 * <pre>{@code
 * RouteDecision decision = router.frontend("main").route(RequestHead.get("/cart"));
 * }</pre>
 *
 * <p>Thread-safe, as the router.
 */
public final class FrontendRouter {
    private final Router router;
    private final String name;

    FrontendRouter(Router router, String name) {
        this.router = router;
        this.name = name;
    }

    /** The frontend's name. */
    public String name() {
        return name;
    }

    /** Routes {@code request} through this frontend, as {@link Router#route(String, RequestHead)}. */
    public RouteDecision route(RequestHead request) {
        return router.route(name, request);
    }

    /** The verdict of this frontend's {@code tcp-request content} rules, as {@link Router#inspect}. */
    public ContentVerdict inspect(RequestHead connection) {
        return router.inspect(name, connection);
    }

    @Override
    public String toString() {
        return "FrontendRouter[" + name + "]";
    }
}
