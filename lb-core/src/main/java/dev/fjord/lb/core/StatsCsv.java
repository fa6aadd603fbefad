package dev.fjord.lb.core;

import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

import org.jspecify.annotations.Nullable;

/**
 * The statistics as HAProxy's CSV ({@code stats uri;csv}, {@code show stat}): its first 80 columns, named and
 * ordered as HAProxy names them, a FRONTEND row per frontend, a row per server and a BACKEND row per backend.
 * Columns Fjord does not measure are empty, as HAProxy leaves inapplicable ones.
 */
public final class StatsCsv {
    /** HAProxy's column names, in order. */
    public static final List<String> COLUMNS = List.of(
            "pxname",
            "svname",
            "qcur",
            "qmax",
            "scur",
            "smax",
            "slim",
            "stot",
            "bin",
            "bout",
            "dreq",
            "dresp",
            "ereq",
            "econ",
            "eresp",
            "wretr",
            "wredis",
            "status",
            "weight",
            "act",
            "bck",
            "chkfail",
            "chkdown",
            "lastchg",
            "downtime",
            "qlimit",
            "pid",
            "iid",
            "sid",
            "throttle",
            "lbtot",
            "tracked",
            "type",
            "rate",
            "rate_lim",
            "rate_max",
            "check_status",
            "check_code",
            "check_duration",
            "hrsp_1xx",
            "hrsp_2xx",
            "hrsp_3xx",
            "hrsp_4xx",
            "hrsp_5xx",
            "hrsp_other",
            "hanafail",
            "req_rate",
            "req_rate_max",
            "req_tot",
            "cli_abrt",
            "srv_abrt",
            "comp_in",
            "comp_out",
            "comp_byp",
            "comp_rsp",
            "lastsess",
            "last_chk",
            "last_agt",
            "qtime",
            "ctime",
            "rtime",
            "ttime",
            "agent_status",
            "agent_code",
            "agent_duration",
            "check_desc",
            "agent_desc",
            "check_rise",
            "check_fall",
            "check_health",
            "agent_rise",
            "agent_fall",
            "agent_health",
            "addr",
            "cookie",
            "mode",
            "algo",
            "conn_rate",
            "conn_rate_max",
            "conn_tot");

    /** The counters of a template slot no server fills: nothing ever counted. */
    private static final Counters EMPTY = new Counters();

    private StatsCsv() {}

    /**
     * The CSV of {@code router}'s proxies.
     *
     * @param checks the health checks, for check columns; null when none run
     * @param queued requests waiting for a server now; {@code maxQueued} the most at once
     */
    public static String write(
            Router router,
            @Nullable HealthChecks checks,
            ToIntFunction<Server> queued,
            ToIntFunction<Server> maxQueued) {
        return write(router, checks, queued, maxQueued, 0);
    }

    /** As {@link #write(Router, HealthChecks, ToIntFunction, ToIntFunction)}, with ticker time {@code now} for
     * {@code lastchg}, {@code downtime} and {@code lastsess}. */
    public static String write(
            Router router,
            @Nullable HealthChecks checks,
            ToIntFunction<Server> queued,
            ToIntFunction<Server> maxQueued,
            long now) {
        StringBuilder csv = new StringBuilder(4096)
                .append("# ")
                .append(String.join(",", COLUMNS))
                .append('\n');
        for (String[] row : rows(router, checks, queued, maxQueued, now)) {
            append(csv, row);
        }
        return csv.toString();
    }

    /** The rows of {@link #write}, each with a cell per column of {@link #COLUMNS}, empty where not measured. */
    static List<String[]> rows(
            Router router,
            @Nullable HealthChecks checks,
            ToIntFunction<Server> queued,
            ToIntFunction<Server> maxQueued,
            long now) {
        List<String[]> csv = new java.util.ArrayList<>();
        int[] iid = {0};
        java.util.Set<String> written = new java.util.HashSet<>();
        for (FrontendConfig frontend : router.config().frontends().values()) {
            frontendRow(csv, router, frontend, ++iid[0]);
            for (LiveBackend backend : router.liveBackends()) {
                if (backend.name().equals(frontend.name())) { // a listen section: its backend follows
                    backendRows(csv, backend, iid[0], checks, queued, maxQueued, now, frontend.stats() != null);
                    written.add(backend.name());
                }
            }
        }
        for (LiveBackend backend : router.liveBackends()) {
            if (!written.contains(backend.name())) {
                backendRows(csv, backend, ++iid[0], checks, queued, maxQueued, now, false);
            }
        }
        return csv;
    }

    private static void frontendRow(List<String[]> csv, Router router, FrontendConfig frontend, int iid) {
        Counters c = router.frontendCounters(frontend.name());
        String[] row = row(frontend.name(), "FRONTEND", iid, 0, 0, c);
        row[6] = frontend.settings().maxConn() == 0
                ? ""
                : Integer.toString(frontend.settings().maxConn());
        row[17] = "OPEN";
        row[75] = mode(frontend.settings().mode());
        csv.add(row);
    }

    private static void backendRows(
            List<String[]> csv,
            LiveBackend backend,
            int iid,
            @Nullable HealthChecks checks,
            ToIntFunction<Server> queued,
            ToIntFunction<Server> maxQueued,
            long now,
            boolean servesStats) {
        int sid = 0;
        int active = 0;
        int backup = 0;
        int totalWeight = 0;
        long lastSession = -1;
        for (LiveServer server : backend.liveServers()) {
            sid++;
            String[] row = row(backend.name(), server.name(), iid, sid, 2, server.counters());
            ServerConfig config = server.config();
            row[2] = Integer.toString(queued.applyAsInt(server));
            row[3] = Integer.toString(maxQueued.applyAsInt(server));
            row[4] = Integer.toString(server.activeConnections());
            row[6] = config.maxConn() == 0 ? "" : Integer.toString(config.maxConn());
            row[17] = status(server, checks);
            row[18] = Integer.toString(server.weight());
            row[19] = config.backup() ? "0" : "1";
            row[20] = config.backup() ? "1" : "0";
            row[25] = config.maxQueue() == 0 ? "" : Integer.toString(config.maxQueue());
            long changed = server.counters().secondsSinceChange(now);
            row[23] = changed < 0 ? "" : Long.toString(changed);
            row[24] = now == 0 ? "" : Long.toString(server.counters().downtimeSeconds(now));
            row[29] = server.weight() < config.weight()
                            && server.operationalState() == OperationalState.UP
                            && server.throttle() < 100
                    ? Integer.toString(server.throttle())
                    : "";
            row[30] = Long.toString(server.counters().balanced.sum());
            long sinceBalanced = server.counters().secondsSinceBalanced(now);
            row[55] = now == 0 || sinceBalanced < 0 ? "" : Long.toString(sinceBalanced);
            if (sinceBalanced >= 0 && (lastSession < 0 || sinceBalanced < lastSession)) {
                lastSession = sinceBalanced;
            }
            CheckResult last = checks == null ? null : checks.lastCheck(server);
            if (last != null) {
                row[36] = last.status().name();
                row[37] = last.code() > 0 ? Integer.toString(last.code()) : "";
                row[38] = Long.toString(last.duration().toMillis());
                row[65] = last.status().description();
            }
            if (config.check()) {
                row[67] = Integer.toString(config.rise());
                row[68] = Integer.toString(config.fall());
            }
            row[73] = config.address().toString();
            row[74] = config.cookie() == null ? "" : config.cookie();
            row[75] = mode(backend.config().settings().mode());
            times(row, server.counters());
            if (server.isBalanced()) {
                if (config.backup()) {
                    backup++;
                } else {
                    active++;
                }
                totalWeight += server.weight();
            }
            csv.add(row);
        }
        for (ServerTemplate template : backend.config().serverTemplates()) {
            for (int i = 1; i <= template.count(); i++) {
                if (backend.server(template.serverName(i)) == null) {
                    csv.add(emptySlot(backend, template, i, iid, ++sid));
                }
            }
        }
        String[] row = row(backend.name(), "BACKEND", iid, 0, 1, backend.counters());
        row[2] = Integer.toString(backend.servers().stream().mapToInt(queued).sum());
        row[4] = Integer.toString(
                backend.servers().stream().mapToInt(Server::activeConnections).sum());
        // a listen section that only serves the stats page has no server, and is UP as HAProxy shows it
        boolean statsOnly = servesStats && backend.servers().isEmpty();
        row[17] = active + backup > 0 || statsOnly ? "UP" : "DOWN";
        row[18] = Integer.toString(totalWeight);
        row[19] = Integer.toString(active);
        row[20] = Integer.toString(backup);
        row[75] = mode(backend.config().settings().mode());
        row[76] = backend.config().settings().balance().toString();
        row[55] = now == 0 || lastSession < 0 ? "" : Long.toString(lastSession);
        times(row, backend.counters());
        csv.add(row);
    }

    /**
     * A server template's slot DNS has not filled: listed as HAProxy lists it, {@code MAINT (resolution)}, with no
     * address and no traffic.
     */
    private static String[] emptySlot(LiveBackend backend, ServerTemplate template, int index, int iid, int sid) {
        String[] row = row(backend.name(), template.serverName(index), iid, sid, 2, EMPTY);
        ServerConfig prototype = template.prototype();
        row[17] = "MAINT (resolution)";
        row[18] = Integer.toString(prototype.weight());
        row[19] = prototype.backup() ? "0" : "1";
        row[20] = prototype.backup() ? "1" : "0";
        row[75] = mode(backend.config().settings().mode());
        return row;
    }

    /** {@code qtime}, {@code ctime}, {@code rtime}, {@code ttime}: averages over the last 1024 sessions, in ms. */
    private static void times(String[] row, Counters counters) {
        long[] averages = counters.averageTimes();
        for (int i = 0; i < averages.length; i++) {
            row[58 + i] = Long.toString(averages[i]);
        }
    }

    /** HAProxy's status word of a server: UP, DOWN, NOLB, MAINT, DRAIN, or {@code no check}. */
    public static String status(Server server, @Nullable HealthChecks checks) {
        if (server.adminState() == AdminState.MAINT) {
            return "MAINT";
        }
        if (server.operationalState() == OperationalState.DOWN) {
            return "DOWN";
        }
        if (server.adminState() == AdminState.DRAIN) {
            return "DRAIN";
        }
        if (server.operationalState() == OperationalState.NOLB) {
            return "NOLB";
        }
        return server.config().check() ? "UP" : "no check";
    }

    private static String[] row(String pxname, String svname, int iid, int sid, int type, Counters c) {
        String[] row = new String[COLUMNS.size()];
        java.util.Arrays.fill(row, "");
        row[0] = pxname;
        row[1] = svname;
        row[4] = Integer.toString(c.current());
        row[5] = Integer.toString(c.max());
        row[7] = Long.toString(c.sessions());
        row[8] = Long.toString(c.bytesIn());
        row[9] = Long.toString(c.bytesOut());
        row[10] = Long.toString(c.deniedRequests.sum());
        row[11] = Long.toString(c.deniedResponses.sum());
        row[12] = Long.toString(c.requestErrors.sum());
        row[13] = Long.toString(c.connectionErrors.sum());
        row[14] = Long.toString(c.responseErrors.sum());
        row[15] = Long.toString(c.retries.sum());
        row[16] = Long.toString(c.redispatches.sum());
        row[21] = Long.toString(c.failedChecks.sum());
        row[22] = Long.toString(c.downTransitions.sum());
        row[26] = "1";
        row[27] = Integer.toString(iid);
        row[28] = Integer.toString(sid);
        row[32] = Integer.toString(type);
        row[33] = Integer.toString(c.rate());
        row[35] = Integer.toString(c.rateMax());
        for (int i = 0; i < 6; i++) {
            row[39 + i] = Long.toString(c.responses[i].sum());
        }
        // req_tot: a frontend counts requests apart from its sessions (connections); elsewhere a session is a request
        row[48] = Long.toString(type == 0 ? c.requests() : c.sessions());
        row[49] = Long.toString(c.clientAborts.sum());
        row[50] = Long.toString(c.serverAborts.sum());
        row[79] = Long.toString(c.sessions());
        return row;
    }

    private static String mode(Mode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    private static void append(StringBuilder csv, String[] row) {
        for (int i = 0; i < row.length; i++) {
            if (i > 0) {
                csv.append(',');
            }
            String value = row[i];
            csv.append(
                    value.indexOf(',') >= 0 || value.indexOf('"') >= 0
                            ? '"' + value.replace("\"", "\"\"") + '"'
                            : value);
        }
        csv.append('\n');
    }
}
