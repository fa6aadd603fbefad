package dev.fjord.lb.netty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.StatsCsv;

/**
 * The statistics page: HAProxy's CSV with {@code ;csv} in the URI, the same rows as JSON with {@code ;json}, else an
 * HTML table of every frontend, backend and server. A first version of the page; HAProxy's full layout and the
 * admin form come with the stats work.
 */
final class StatsPage {
    private StatsPage() {
    }

    static LocalResponse render(ProxyRuntime runtime, RouteDecision decision, String uri) {
        String csv = StatsCsv.write(runtime.router, runtime.healthChecks, server -> runtime.slots(server).queued(),
                server -> runtime.slots(server).maxQueued());
        if (uri.contains(";csv")) {
            return page("text/plain", csv);
        }
        List<String[]> rows = new ArrayList<>();
        for (String line : csv.split("\n")) {
            rows.add(line.startsWith("# ") ? line.substring(2).split(",", -1) : line.split(",", -1));
        }
        String[] names = rows.get(0);
        if (uri.contains(";json")) {
            StringBuilder json = new StringBuilder("[");
            for (int r = 1; r < rows.size(); r++) {
                json.append(r > 1 ? ",\n{" : "\n{");
                String[] row = rows.get(r);
                for (int i = 0; i < names.length && i < row.length; i++) {
                    json.append(i > 0 ? "," : "").append('"').append(names[i]).append("\":\"")
                            .append(row[i].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                }
                json.append('}');
            }
            return page("application/json", json.append("\n]\n").toString());
        }
        StringBuilder html = new StringBuilder(4096).append("<!DOCTYPE html>\n<html><head><title>Statistics Report")
                .append("</title></head><body>\n<h1>Fjord statistics</h1>\n<table border=1>\n<tr>");
        int[] shown = {0, 1, 17, 18, 4, 5, 7, 9, 13, 14, 15, 16, 36, 37};
        for (int column : shown) {
            html.append("<th>").append(names[column]).append("</th>");
        }
        html.append("</tr>\n");
        for (int r = 1; r < rows.size(); r++) {
            html.append("<tr>");
            for (int column : shown) {
                String value = column < rows.get(r).length ? rows.get(r)[column] : "";
                html.append("<td>").append(escape(value)).append("</td>");
            }
            html.append("</tr>\n");
        }
        return page("text/html", html.append("</table>\n</body></html>\n").toString());
    }

    private static LocalResponse page(String type, String body) {
        return new LocalResponse(200, List.of(Map.entry("Content-Type", type), Map.entry("Cache-Control", "no-cache")),
                body);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
