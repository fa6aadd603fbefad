package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

import org.jspecify.annotations.Nullable;

/**
 * The proxy's counters in the Prometheus text exposition format (version 0.0.4), as HAProxy's
 * {@code http-request use-service prometheus-exporter} writes them: HAProxy's metric names
 * ({@code haproxy_frontend_*}, {@code haproxy_backend_*}, {@code haproxy_server_*}), HELP texts and types, labels
 * {@code proxy} and {@code server}, and {@code state} or {@code code} where HAProxy has them, so that dashboards and
 * alerts made for HAProxy keep working. Each metric is a group over every proxy, in HAProxy's order. Only the metrics
 * whose counter Fjord keeps are written ({@link #METRICS}); HAProxy's {@code haproxy_process_*}, compression, cache,
 * listener and stick-table metrics are not. HAProxy's query filters are honoured: {@code scope=frontend|backend|
 * server|*} (repeatable; an empty one clears those before it) and {@code no-maint}. Stateless.
 */
public final class PrometheusText {
    /** The HTTP {@code Content-Type} of the text. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final List<String> SERVER_STATES = List.of("DOWN", "UP", "MAINT", "DRAIN", "NOLB");
    private static final List<String> CHECK_STATES = List.of(
            "HANA",
            "SOCKERR",
            "L4OK",
            "L4TOUT",
            "L4CON",
            "L6OK",
            "L6TOUT",
            "L6RSP",
            "L7TOUT",
            "L7RSP",
            "L7OK",
            "L7OKC",
            "L7STS",
            "PROCERR",
            "PROCTOUT",
            "PROCOK");
    private static final List<String> CODES = List.of("1xx", "2xx", "3xx", "4xx", "5xx", "other");

    /** How a metric's value is read from a stats row. */
    enum Kind {
        /** The column's number; a row whose cell is empty is left out. */
        NUMBER,
        /** The column's number, or {@code NaN} where it is empty (no limit), as HAProxy writes it. */
        NUMBER_OR_NAN,
        /** Milliseconds written as seconds. */
        SECONDS,
        /** One line per state, 1 for the row's status. */
        STATUS,
        /** One line per last check result, 1 for the row's; checked servers only. */
        CHECK_STATUS,
        /** One line per status class, from {@code hrsp_1xx} to {@code hrsp_other}. */
        RESPONSES
    }

    /** One of HAProxy's metrics: its name, type, HELP text, and the stats column it is read from. */
    record Metric(String scope, String name, String type, String help, int column, Kind kind) {
        String fullName() {
            return "haproxy_" + scope + "_" + name;
        }
    }

    /** The metrics written, in HAProxy's order; the columns are {@link StatsCsv#COLUMNS}'. */
    static final List<Metric> METRICS = PrometheusMetrics.all();

    private PrometheusText() {}

    /**
     * The exposition of {@code router}'s counters.
     *
     * @param query the request's query string (without {@code ?}), for HAProxy's {@code scope} and {@code no-maint}
     *     filters; empty: everything
     * @param checks the health checks, for check metrics; null when none run
     * @param queued requests waiting for a server now; {@code maxQueued} the most at once
     * @param now ticker time, for {@code *_last_change_seconds}, {@code *_downtime_seconds_total} and
     *     {@code *_last_session_seconds}
     */
    public static String write(
            Router router,
            String query,
            @Nullable HealthChecks checks,
            ToIntFunction<Server> queued,
            ToIntFunction<Server> maxQueued,
            long now) {
        List<String[]> rows = StatsCsv.rows(router, checks, queued, maxQueued, now);
        List<String> scopes = scopes(query);
        boolean noMaint = List.of(query.split("&", -1)).contains("no-maint");
        StringBuilder text = new StringBuilder(32768);
        for (Metric metric : METRICS) {
            if (!scopes.contains(metric.scope())) {
                continue;
            }
            List<String[]> selected = new ArrayList<>();
            for (String[] row : rows) {
                if (scopeOf(row).equals(metric.scope()) && !(noMaint && row[17].equals("MAINT"))) {
                    selected.add(row);
                }
            }
            StringBuilder lines = new StringBuilder();
            if (metric.kind() == Kind.RESPONSES) {
                for (int code = 0; code < CODES.size(); code++) { // code-major, as HAProxy groups them
                    for (String[] row : selected) {
                        sample(lines, metric, row, "code", CODES.get(code), row[metric.column() + code]);
                    }
                }
            } else {
                for (String[] row : selected) {
                    samples(lines, metric, row);
                }
            }
            if (lines.length() > 0) {
                text.append("# HELP ")
                        .append(metric.fullName())
                        .append(' ')
                        .append(metric.help())
                        .append('\n');
                text.append("# TYPE ")
                        .append(metric.fullName())
                        .append(' ')
                        .append(metric.type())
                        .append('\n');
                text.append(lines);
            }
        }
        return text.toString();
    }

    private static void samples(StringBuilder lines, Metric metric, String[] row) {
        String cell = row[metric.column()];
        switch (metric.kind()) {
            case NUMBER -> {
                if (!cell.isEmpty()) {
                    sample(lines, metric, row, null, null, cell);
                }
            }
            case NUMBER_OR_NAN -> sample(lines, metric, row, null, null, cell.isEmpty() ? "NaN" : cell);
            case SECONDS -> {
                if (!cell.isEmpty()) {
                    sample(lines, metric, row, null, null, seconds(cell));
                }
            }
            case STATUS -> {
                String status = status(metric.scope(), cell);
                List<String> states = metric.scope().equals("server") ? SERVER_STATES : List.of("DOWN", "UP");
                for (String state : states) {
                    sample(lines, metric, row, "state", state, state.equals(status) ? "1" : "0");
                }
            }
            case CHECK_STATUS -> {
                if (!row[67].isEmpty()) { // a checked server: check_rise is set
                    for (String state : CHECK_STATES) {
                        sample(lines, metric, row, "state", state, state.equals(cell) ? "1" : "0");
                    }
                }
            }
            case RESPONSES -> throw new AssertionError("written by status class");
        }
    }

    /** HAProxy's state of a row: frontends are UP when open, servers without checks UP. */
    private static String status(String scope, String cell) {
        if (scope.equals("frontend")) {
            return cell.equals("OPEN") ? "UP" : "DOWN";
        }
        return cell.equals("no check") ? "UP" : cell;
    }

    private static void sample(
            StringBuilder lines,
            Metric metric,
            String[] row,
            @Nullable String label,
            @Nullable String labelValue,
            String value) {
        lines.append(metric.fullName())
                .append("{proxy=\"")
                .append(escape(row[0]))
                .append('"');
        if (metric.scope().equals("server")) {
            lines.append(",server=\"").append(escape(row[1])).append('"');
        }
        if (label != null) {
            lines.append(',').append(label).append("=\"").append(labelValue).append('"');
        }
        lines.append("} ").append(value).append('\n');
    }

    private static String seconds(String millis) {
        return String.format(Locale.ROOT, "%.6f", Long.parseLong(millis) / 1000.0);
    }

    private static String scopeOf(String[] row) {
        return switch (row[1]) {
            case "FRONTEND" -> "frontend";
            case "BACKEND" -> "backend";
            default -> "server";
        };
    }

    /** The scopes a query selects: every one without a {@code scope} parameter. */
    private static List<String> scopes(String query) {
        List<String> all = List.of("frontend", "backend", "server");
        List<String> scopes = null;
        for (String parameter : query.split("&", -1)) {
            if (!parameter.startsWith("scope=")) {
                continue;
            }
            String value = parameter.substring("scope=".length());
            scopes = scopes == null ? new ArrayList<>() : scopes;
            if (value.isEmpty()) {
                scopes.clear();
            } else if (value.equals("*")) {
                scopes.addAll(all);
            } else {
                scopes.add(value);
            }
        }
        return scopes == null ? all : scopes;
    }

    /** A label value as the exposition format wants it: {@code \}, {@code "} and line feeds escaped. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
