package dev.fjord.lb.netty;

import java.util.List;
import java.util.Map;

import dev.fjord.lb.core.Backend;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.Server;

/**
 * The statistics page: every backend and server with its state, weight and connections, as HTML or, with
 * {@code ;csv} in the URI, as CSV. A first version; HAProxy's full layout and columns come with the stats work.
 */
final class StatsPage {
    private StatsPage() {
    }

    static LocalResponse render(Router router, RouteDecision decision, String uri) {
        boolean csv = uri.contains(";csv");
        StringBuilder out = new StringBuilder(1024);
        if (csv) {
            out.append("# pxname,svname,status,weight,scur,act,bck\n");
        } else {
            out.append("<!DOCTYPE html>\n<html><head><title>Statistics Report</title></head><body>\n")
                    .append("<h1>Fjord statistics</h1>\n");
        }
        for (Backend backend : router.backends()) {
            if (!csv) {
                out.append("<table border=1><tr><th colspan=5>").append(escape(backend.name()))
                        .append("</th></tr>\n<tr><th>server</th><th>status</th><th>weight</th><th>cur</th>")
                        .append("<th>act/bck</th></tr>\n");
            }
            for (Server server : backend.servers()) {
                String status = status(server);
                boolean backup = server.config().backup();
                if (csv) {
                    out.append(backend.name()).append(',').append(server.name()).append(',').append(status).append(',')
                            .append(server.weight()).append(',').append(server.activeConnections()).append(',')
                            .append(backup ? 0 : 1).append(',').append(backup ? 1 : 0).append('\n');
                } else {
                    out.append("<tr><td>").append(escape(server.name())).append("</td><td>").append(status)
                            .append("</td><td>").append(server.weight()).append("</td><td>")
                            .append(server.activeConnections()).append("</td><td>").append(backup ? "bck" : "act")
                            .append("</td></tr>\n");
                }
            }
            if (!csv) {
                out.append("</table>\n");
            }
        }
        if (!csv) {
            out.append("</body></html>\n");
        }
        return new LocalResponse(200, List.of(Map.entry("Content-Type", csv ? "text/plain" : "text/html"),
                Map.entry("Cache-Control", "no-cache")), out.toString());
    }

    /** HAProxy's status words: UP, DOWN, DRAIN, MAINT. */
    static String status(Server server) {
        return switch (server.adminState()) {
            case MAINT -> "MAINT";
            case DRAIN -> server.operationalState().name().equals("UP") ? "DRAIN" : "DOWN";
            case READY -> server.operationalState().name();
        };
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
