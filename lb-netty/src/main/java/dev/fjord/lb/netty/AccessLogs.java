package dev.fjord.lb.netty;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.AccessLogSink;
import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.LogTarget;
import dev.fjord.lb.core.OperationalState;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.ServerEvent;
import dev.fjord.lb.core.Settings;

/**
 * Where each frontend's access-log lines and each backend's server events go. The application's sink, if it gave
 * one, takes every frontend that logs; otherwise a frontend's targets are the global ones ({@code log global})
 * followed by its own {@code log} lines, sent by a {@link SyslogAccessLog} (one per distinct list, shared), or SLF4J
 * for {@code log global} without global targets. A frontend with neither logs nothing. A backend's targets, chosen
 * the same way, get its servers' state changes as HAProxy logs them (DOWN at {@code alert}, UP and the others at
 * {@code notice}, a backend without servers at {@code emerg}) and, with {@code option log-health-checks}, each check
 * that moved a server's health counter (at {@code notice}), as HAProxy does. Closes the sockets it opened.
 * Immutable.
 */
final class AccessLogs implements AutoCloseable {
    private final Map<String, AccessLogSink> byFrontend;
    private final Map<String, SyslogAccessLog> byBackend;
    private final Map<String, Boolean> logsHealthChecks;
    private final List<SyslogAccessLog> opened;

    private AccessLogs(
            Map<String, AccessLogSink> byFrontend,
            Map<String, SyslogAccessLog> byBackend,
            Map<String, Boolean> logsHealthChecks,
            List<SyslogAccessLog> opened) {
        this.byFrontend = byFrontend;
        this.byBackend = byBackend;
        this.logsHealthChecks = logsHealthChecks;
        this.opened = opened;
    }

    /**
     * @param custom the application's sink; null: the configuration's targets
     * @throws IllegalArgumentException naming a target whose host does not resolve; nothing stays open
     */
    static AccessLogs of(ProxyConfig config, @Nullable AccessLogSink custom) {
        Map<String, AccessLogSink> byFrontend = new HashMap<>();
        Map<String, SyslogAccessLog> byBackend = new HashMap<>();
        Map<String, Boolean> healthChecks = new HashMap<>();
        Map<List<LogTarget>, SyslogAccessLog> shared = new LinkedHashMap<>();
        AccessLogSink slf4j = new Slf4jAccessLog();
        try {
            for (FrontendConfig frontend : config.frontends().values()) {
                Settings settings = frontend.settings();
                List<LogTarget> targets = targets(config, settings);
                if (!settings.logGlobal() && targets.isEmpty()) {
                    continue;
                }
                byFrontend.put(
                        frontend.name(),
                        custom != null
                                ? custom
                                : targets.isEmpty()
                                        ? slf4j
                                        : shared.computeIfAbsent(List.copyOf(targets), SyslogAccessLog::open));
            }
            for (BackendConfig backend : config.backends().values()) {
                List<LogTarget> targets = targets(config, backend.settings());
                if (!targets.isEmpty()) {
                    byBackend.put(backend.name(), shared.computeIfAbsent(targets, SyslogAccessLog::open));
                    healthChecks.put(
                            backend.name(), backend.settings().logOptions().logHealthChecks());
                }
            }
        } catch (RuntimeException e) {
            shared.values().forEach(SyslogAccessLog::close);
            throw e;
        }
        return new AccessLogs(
                Map.copyOf(byFrontend), Map.copyOf(byBackend), Map.copyOf(healthChecks), List.copyOf(shared.values()));
    }

    private static List<LogTarget> targets(ProxyConfig config, Settings settings) {
        List<LogTarget> targets = new ArrayList<>();
        if (settings.logGlobal()) {
            targets.addAll(config.global().logs());
        }
        targets.addAll(settings.logTargets());
        return List.copyOf(targets);
    }

    /** Sends {@code event} to its backend's targets, as HAProxy logs server events there. */
    void serverEvent(ServerEvent event) {
        String backend;
        String level;
        if (event instanceof ServerEvent.StateChanged changed) {
            backend = changed.server().backend().name();
            level = changed.to() == OperationalState.DOWN ? "alert" : "notice";
        } else if (event instanceof ServerEvent.NoServerAvailable none) {
            backend = none.backend().name();
            level = "emerg";
        } else if (event instanceof ServerEvent.CheckCompleted check) {
            backend = check.server().backend().name();
            if (!logsHealthChecks.getOrDefault(backend, false) || !check.healthChanged()) {
                return; // HAProxy logs a check when it moves the server's health counter
            }
            level = "notice";
        } else if (event instanceof ServerEvent.AdminChanged admin) {
            backend = admin.server().backend().name();
            level = "notice";
        } else {
            return; // added and removed servers: HAProxy logs them on its CLI only
        }
        SyslogAccessLog sink = byBackend.get(backend);
        if (sink != null) {
            sink.message(level, event.message());
        }
    }

    /** The sink of {@code frontend}, or null when it does not log. */
    @Nullable
    AccessLogSink sink(String frontend) {
        return byFrontend.get(frontend);
    }

    @Override
    public void close() {
        opened.forEach(SyslogAccessLog::close);
    }
}
