package dev.fjord.lb.netty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.PrometheusText;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.StatsConfig;
import dev.fjord.lb.core.StatsCsv;

/**
 * The statistics page, in HAProxy's layout and colours: a table per frontend and backend with a row per server
 * (queue, session rate, sessions, bytes, denied, errors, warnings, status, last check, weight, act/bck, check
 * fails/downs, throttle). {@code ;csv} gives HAProxy's CSV, {@code ;json} the same rows as JSON. Users for whom
 * {@code stats admin} holds get a form to set servers READY, DRAIN or MAINT, stop or start their checks, or change
 * their weight; it POSTs back to {@link StatsAdmin}. Thread-safe.
 */
final class StatsPage {
    private static final String STYLE = """
            body{font-family:arial,helvetica,sans-serif;font-size:12px;color:#000;background:#fff}
            table.tbl{border-collapse:collapse;border-style:none;margin-bottom:8px}
            table.tbl td,table.tbl th{text-align:right;border:1px solid #aaa;padding:1px 3px;white-space:nowrap}
            table.tbl th.pxname{background:#b00040;color:#ffff40;font-weight:bold;text-align:left;border:none}
            tr.titre th{background:#20c0ff;color:#000}
            td.ac{text-align:center}
            tr.frontend td{background:#f0f0a0}
            tr.backend td{background:#e0e0e0}
            tr.active_up td{background:#c0ffc0}
            tr.active_down td{background:#ff9090}
            tr.active_nolb td{background:#ffff80}
            tr.draining td{background:#20a0ff}
            tr.maintain td{background:#c07820}
            tr.backup_up td{background:#c0c0ff}
            """;

    private StatsPage() {}

    static LocalResponse render(ProxyRuntime runtime, RouteDecision.Stats decision, String uri) {
        StatsConfig stats = decision.frontend().stats();
        String csv = inScope(csv(runtime), stats, decision.frontend().name());
        if (uri.contains(";csv")) {
            return page("text/plain", csv);
        }
        List<String[]> rows = rows(csv);
        if (uri.contains(";json")) {
            return page("application/json", json(rows));
        }
        String user = StatsAdmin.user(decision.request());
        String node =
                stats == null || stats.node() == null ? null : stats.node().isEmpty() ? runtime.hostname : stats.node();
        StringBuilder html = new StringBuilder(16384)
                .append("<!DOCTYPE html>\n<html><head><title>Statistics Report")
                .append(node == null ? "" : " on " + escape(node))
                .append("</title>\n");
        if (stats != null && stats.refresh() != null) {
            html.append("<meta http-equiv=\"refresh\" content=\"")
                    .append(stats.refresh().toSeconds())
                    .append("\">\n");
        }
        html.append("<style>")
                .append(STYLE)
                .append("</style></head><body>\n<h1>Fjord statistics")
                .append(stats != null && stats.hideVersion() ? "" : " (version " + version() + ")")
                .append("</h1>\n");
        String description = stats == null ? null : stats.description();
        if (node != null || description != null) {
            html.append("<h2 id=\"node\">Statistics Report for pid ")
                    .append(ProcessHandle.current().pid())
                    .append(node == null ? "" : " on " + escape(node))
                    .append(description == null ? "" : ": " + escape(description))
                    .append("</h2>\n");
        }
        boolean legends = stats != null && stats.showLegends();
        if (uri.contains(";st=DONE")) {
            html.append("<p id=\"result\">Action processed successfully.</p>\n");
        } else if (uri.contains(";st=")) {
            html.append("<p id=\"result\">Action not processed.</p>\n");
        }
        String current = null;
        boolean admin = decision.admin();
        for (int r = 1; r < rows.size(); r++) {
            String[] row = rows.get(r);
            if (!row[0].equals(current)) {
                if (current != null) {
                    closeTable(html, admin, current, runtime, user);
                }
                current = row[0];
                openTable(html, current, admin, stats, legends ? row : null);
            }
            row(html, row, admin, !row[1].equals("FRONTEND") && !row[1].equals("BACKEND"), legends);
        }
        if (current != null) {
            closeTable(html, admin, current, runtime, user);
        }
        return page("text/html; charset=utf-8", html.append("</body></html>\n").toString());
    }

    /** The CSV without the rows of proxies {@code stats scope} leaves out. */
    private static String inScope(String csv, @Nullable StatsConfig stats, String self) {
        if (stats == null || stats.scope().isEmpty()) {
            return csv;
        }
        StringBuilder kept = new StringBuilder(csv.length());
        for (String line : csv.split("\n", -1)) {
            if (!line.isEmpty()
                    && (line.startsWith("# ") || stats.inScope(line.substring(0, line.indexOf(',')), self))) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    private static void openTable(
            StringBuilder html, String proxy, boolean admin, @Nullable StatsConfig stats, String @Nullable [] legend) {
        if (admin) {
            html.append("<form method=\"post\" action=\"")
                    .append(stats == null ? "/" : escape(stats.uri()))
                    .append("\">\n");
        }
        html.append("<table class=\"tbl\" id=\"")
                .append(escape(proxy))
                .append("\">\n<tr><th class=\"pxname\" ")
                .append("colspan=\"31\">")
                .append(escape(proxy))
                .append(
                        legend == null
                                ? ""
                                : " <span class=\"legend\">(mode " + legend[75] + ", id " + legend[27] + ")</span>")
                .append("</th></tr>\n<tr class=\"titre\">")
                .append(admin ? "<th rowspan=\"2\"></th>" : "")
                .append("<th rowspan=\"2\"></th>")
                .append("<th colspan=\"3\">Queue</th><th colspan=\"3\">Session rate</th>")
                .append("<th colspan=\"6\">Sessions</th><th colspan=\"2\">Bytes</th><th colspan=\"2\">Denied</th>")
                .append("<th colspan=\"3\">Errors</th><th colspan=\"2\">Warnings</th>")
                .append("<th colspan=\"9\">Server</th></tr>\n<tr class=\"titre\">");
        for (String title : List.of(
                "Cur", "Max", "Limit", "Cur", "Max", "Limit", "Cur", "Max", "Limit", "Total", "LbTot", "Last", "In",
                "Out", "Req", "Resp", "Req", "Conn", "Resp", "Retr", "Redis", "Status", "LastChk", "Wght", "Act", "Bck",
                "Chk", "Dwn", "Dwntme", "Thrtle")) {
            html.append("<th>").append(title).append("</th>");
        }
        html.append("</tr>\n");
    }

    private static void row(StringBuilder html, String[] c, boolean admin, boolean server, boolean legends) {
        String status = c[17];
        String type = c[1].equals("FRONTEND")
                ? "frontend"
                : c[1].equals("BACKEND")
                        ? "backend"
                        : switch (status) {
                            case "DOWN" -> "active_down";
                            case "MAINT", "MAINT (resolution)" -> "maintain";
                            case "DRAIN" -> "draining";
                            case "NOLB" -> "active_nolb";
                            default -> c[20].equals("1") ? "backup_up" : "active_up";
                        };
        html.append("<tr class=\"")
                .append(type)
                .append("\" id=\"")
                .append(escape(c[0] + '/' + c[1]))
                .append(
                        legends && server
                                ? "\" title=\"IP: " + escape(c[73]) + ", id: " + c[28]
                                        + (c[74].isEmpty() ? "" : ", cookie: " + escape(c[74]))
                                : "")
                .append("\">");
        if (admin && server) {
            html.append("<td><input type=\"checkbox\" name=\"s\" value=\"")
                    .append(escape(c[1]))
                    .append("\"></td>");
        } else if (admin) {
            html.append("<td></td>");
        }
        String lastCheck = c[36].isEmpty() ? "" : c[36] + (c[37].isEmpty() ? "" : " " + c[37]) + " in " + c[38] + "ms";
        String since = c[23].isEmpty() ? "" : " " + duration(Long.parseLong(c[23]));
        String[] cells = {
            c[1],
            c[2],
            c[3],
            c[25],
            c[33],
            c[35],
            "",
            c[4],
            c[5],
            c[6],
            c[7],
            c[30],
            "",
            c[8],
            c[9],
            c[10],
            c[11],
            c[12],
            c[13],
            c[14],
            c[15],
            c[16],
            status + since,
            lastCheck,
            c[18],
            c[19],
            c[20],
            c[21],
            c[22],
            c[24].isEmpty() ? "" : duration(Long.parseLong(c[24])),
            c[29].isEmpty() ? "" : c[29] + " %"
        };
        for (int i = 0; i < cells.length; i++) {
            html.append(i == 0 ? "<td class=\"ac\">" : "<td>")
                    .append(escape(cells[i]))
                    .append("</td>");
        }
        html.append("</tr>\n");
    }

    private static void closeTable(StringBuilder html, boolean admin, String proxy, ProxyRuntime runtime, String user) {
        html.append("</table>\n");
        if (admin) {
            boolean isBackend = runtime.router.backends().stream()
                    .anyMatch(b -> b.name().equals(proxy) && !b.servers().isEmpty());
            if (isBackend) {
                html.append("Choose the action to perform on the checked servers : <select name=\"action\">")
                        .append("<option value=\"\"></option><option value=\"ready\">Set state to READY</option>")
                        .append("<option value=\"drain\">Set state to DRAIN</option>")
                        .append("<option value=\"maint\">Set state to MAINT</option>")
                        .append("<option value=\"dhlth\">Health: disable checks</option>")
                        .append("<option value=\"ehlth\">Health: enable checks</option>")
                        .append("<option value=\"weight\">Set weight to</option></select>")
                        .append(" <input type=\"text\" name=\"weight\" size=\"3\">")
                        .append("<input type=\"hidden\" name=\"b\" value=\"")
                        .append(escape(proxy))
                        .append("\">")
                        .append("<input type=\"hidden\" name=\"token\" value=\"")
                        .append(StatsAdmin.token(user))
                        .append("\">")
                        .append(" <input type=\"submit\" value=\"Apply\" id=\"apply-")
                        .append(escape(proxy))
                        .append("\">\n");
            }
            html.append("</form>\n");
        }
    }

    /** HAProxy's short durations: {@code 42s}, {@code 3m12s}, {@code 2h5m}, {@code 1d3h}. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + seconds % 60 + "s";
        }
        if (seconds < 86400) {
            return seconds / 3600 + "h" + seconds % 3600 / 60 + "m";
        }
        return seconds / 86400 + "d" + seconds % 86400 / 3600 + "h";
    }

    private static String csv(ProxyRuntime runtime) {
        return StatsCsv.write(
                runtime.router,
                runtime.healthChecks,
                server -> runtime.slots(server).queued(),
                server -> runtime.slots(server).maxQueued(),
                dev.fjord.lb.core.Ticker.system().read());
    }

    /**
     * {@code http-request use-service prometheus-exporter}: the counters in the Prometheus text format, filtered by
     * the query's {@code scope} and {@code no-maint} as HAProxy's exporter does.
     */
    static LocalResponse prometheus(ProxyRuntime runtime, String uri) {
        int question = uri.indexOf('?');
        String text = PrometheusText.write(
                runtime.router,
                question < 0 ? "" : uri.substring(question + 1),
                runtime.healthChecks,
                server -> runtime.slots(server).queued(),
                server -> runtime.slots(server).maxQueued(),
                dev.fjord.lb.core.Ticker.system().read());
        return page(PrometheusText.CONTENT_TYPE, text);
    }

    private static List<String[]> rows(String csv) {
        List<String[]> rows = new ArrayList<>();
        for (String line : csv.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            rows.add(line.startsWith("# ") ? line.substring(2).split(",", -1) : line.split(",", -1));
        }
        return rows;
    }

    private static String json(List<String[]> rows) {
        String[] names = rows.get(0);
        StringBuilder json = new StringBuilder("[");
        for (int r = 1; r < rows.size(); r++) {
            json.append(r > 1 ? ",\n{" : "\n{");
            String[] row = rows.get(r);
            for (int i = 0; i < names.length && i < row.length; i++) {
                json.append(i > 0 ? "," : "")
                        .append('"')
                        .append(names[i])
                        .append("\":\"")
                        .append(row[i].replace("\\", "\\\\").replace("\"", "\\\""))
                        .append('"');
            }
            json.append('}');
        }
        return json.append("\n]\n").toString();
    }

    private static String version() {
        String version = StatsPage.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private static LocalResponse page(String type, String body) {
        return new LocalResponse(
                200, List.of(Map.entry("Content-Type", type), Map.entry("Cache-Control", "no-cache")), body);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
