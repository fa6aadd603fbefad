package dev.fjord.lb.netty;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.AccessLogSink;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.LogTarget;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Settings;

/**
 * Where each frontend's access-log lines go. The application's sink, if it gave one, takes every frontend that logs;
 * otherwise a frontend's targets are the global ones ({@code log global}) followed by its own {@code log} lines, sent
 * by a {@link SyslogAccessLog} (one per distinct list, shared), or SLF4J for {@code log global} without global
 * targets. A frontend with neither logs nothing. Closes the sockets it opened. Immutable after {@link #of}.
 */
final class AccessLogs implements AutoCloseable {
    private final Map<String, AccessLogSink> byFrontend;
    private final List<SyslogAccessLog> opened;

    private AccessLogs(Map<String, AccessLogSink> byFrontend, List<SyslogAccessLog> opened) {
        this.byFrontend = byFrontend;
        this.opened = opened;
    }

    /**
     * @param custom the application's sink; null: the configuration's targets
     * @throws IllegalArgumentException naming a target whose host does not resolve; nothing stays open
     */
    static AccessLogs of(ProxyConfig config, @Nullable AccessLogSink custom) {
        Map<String, AccessLogSink> byFrontend = new HashMap<>();
        Map<List<LogTarget>, SyslogAccessLog> shared = new LinkedHashMap<>();
        AccessLogSink slf4j = new Slf4jAccessLog();
        try {
            for (FrontendConfig frontend : config.frontends().values()) {
                Settings settings = frontend.settings();
                List<LogTarget> targets = new ArrayList<>();
                if (settings.logGlobal()) {
                    targets.addAll(config.global().logs());
                }
                targets.addAll(settings.logTargets());
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
        } catch (RuntimeException e) {
            shared.values().forEach(SyslogAccessLog::close);
            throw e;
        }
        return new AccessLogs(Map.copyOf(byFrontend), List.copyOf(shared.values()));
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
