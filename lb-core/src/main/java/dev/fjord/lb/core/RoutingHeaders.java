package dev.fjord.lb.core;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Collects the request headers a frontend's configuration reads or writes; see {@link ProxyConfig#routingHeaders}. */
final class RoutingHeaders {
    private final Set<String> names = new TreeSet<>();

    private RoutingHeaders() {}

    static Set<String> of(ProxyConfig config, FrontendConfig frontend) {
        RoutingHeaders headers = new RoutingHeaders();
        frontend.acls().values().forEach(acls -> acls.forEach(headers::acl));
        headers.requestRules(frontend.httpRequestRules());
        frontend.useBackendRules().forEach(rule -> headers.condition(rule.condition()));
        headers.forwardFor(frontend.settings());
        boolean dynamic = frontend.useBackendRules().stream().anyMatch(UseBackendRule::isDynamic);
        for (String name : dynamic ? List.copyOf(config.backends().keySet()) : frontend.backendNames()) {
            BackendConfig backend = config.backends().get(name);
            if (backend == null) {
                continue;
            }
            headers.forwardFor(backend.settings());
            backend.acls().values().forEach(acls -> acls.forEach(headers::acl));
            headers.requestRules(backend.httpRequestRules());
            if (backend.settings().balance() instanceof Balance.Hdr hdr) {
                headers.add(hdr.name());
            }
            if (backend.cookie() != null) {
                headers.add("Cookie");
            }
            for (StickRule rule : backend.stickRules()) {
                headers.sample(rule.fetch());
                headers.condition(rule.condition());
            }
        }
        return Set.copyOf(headers.names);
    }

    private void requestRules(List<HttpRequestRule> rules) {
        for (HttpRequestRule rule : rules) {
            condition(rule.condition());
            if (rule instanceof HttpRequestRule.SetHeader set) {
                add(set.name());
            } else if (rule instanceof HttpRequestRule.AddHeader add) {
                add(add.name());
            } else if (rule instanceof HttpRequestRule.DelHeader delete) {
                add(delete.name());
            } else if (rule instanceof HttpRequestRule.ReplaceHeader replace) {
                add(replace.name());
            } else if (rule instanceof TrackRule track) {
                sample(track.track().fetch());
            }
        }
    }

    private void add(String name) {
        names.add(name.toLowerCase(Locale.ROOT));
    }

    /** The header a stick table key is fetched from, if any. */
    private void sample(SampleFetch fetch) {
        String header = fetch.header();
        if (header != null) {
            add(header);
        }
    }

    private void forwardFor(Settings settings) {
        if (settings.forwardFor() != null) {
            add(settings.forwardFor().header());
        }
    }

    private void acl(Acl acl) {
        if ((acl.fetch() == AclFetch.HDR || acl.fetch() == AclFetch.HDR_CNT) && acl.argument() != null) {
            add(acl.argument());
        } else if (acl.fetch() == AclFetch.REQ_COOK) {
            add("Cookie");
        } else if (acl.fetch() == AclFetch.HTTP_AUTH || acl.fetch() == AclFetch.HTTP_AUTH_GROUP) {
            add("Authorization");
        }
    }

    private void condition(@org.jspecify.annotations.Nullable Condition condition) {
        if (condition instanceof Condition.Anonymous anonymous) {
            acl(anonymous.acl());
        } else if (condition instanceof Condition.Not not) {
            condition(not.condition());
        } else if (condition instanceof Condition.All all) {
            all.conditions().forEach(this::condition);
        } else if (condition instanceof Condition.Any any) {
            any.conditions().forEach(this::condition);
        }
    }
}
