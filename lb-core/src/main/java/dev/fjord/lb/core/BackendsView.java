package dev.fjord.lb.core;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A request as the rules of a frontend that reads the proxy's state see it: the request itself, the router's live
 * backends, which {@code nbsrv(BACKEND)} counts the usable servers of, and the userlists {@code http_auth(LIST)}
 * checks credentials against. Made only for frontends whose ACLs use such a fetch, or when there are userlists
 * ({@link CompiledFrontend#prepared}). Immutable.
 */
final class BackendsView extends ForwardingRequestHead {
    private final Map<String, LiveBackend> backends;
    private final Map<String, UserList> userLists;

    BackendsView(RequestHead base, Map<String, LiveBackend> backends, Map<String, UserList> userLists) {
        super(base);
        this.backends = backends;
        this.userLists = userLists;
    }

    /**
     * The user of the userlist {@code list} whose right Basic credentials {@code request} carries ({@code
     * http_auth}); null without them, or when the request carries no view or there is no such list.
     */
    static UserList.@Nullable User user(RequestHead request, String list) {
        RequestHead head = request;
        while (head instanceof ForwardingRequestHead forwarding) {
            if (forwarding instanceof BackendsView view) {
                UserList users = view.userLists.get(list);
                return users == null ? null : users.authenticate(request.header("Authorization"));
            }
            head = forwarding.base();
        }
        return null;
    }

    /**
     * {@code nbsrv(backend)} for {@code request}, as HAProxy counts it: the usable active servers, else 1 when a
     * backup would be used (the first one only, without {@code option allbackups}), else the usable backups; null
     * when the request carries no view or there is no such backend.
     */
    static @Nullable Long usableServers(RequestHead request, String backend) {
        RequestHead head = request;
        while (head instanceof ForwardingRequestHead forwarding) {
            if (forwarding instanceof BackendsView view) {
                LiveBackend live = view.backends.get(backend);
                if (live == null) {
                    return null;
                }
                LiveBackend.Usable usable = live.usable();
                if (usable.active() > 0) {
                    return (long) usable.active();
                }
                boolean allBackups = live.config().allBackups();
                return (long) (allBackups ? usable.backup() : Math.min(1, usable.backup()));
            }
            head = forwarding.base();
        }
        return null;
    }
}
