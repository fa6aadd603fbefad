package dev.fjord.lb.core;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The stick table fetches of an ACL: {@code sc_NAME(COUNTER[,TABLE])}, {@code scN_NAME([TABLE])} read a tracked
 * entry; {@code src_NAME([TABLE])} the entry of the client's address; {@code table_cnt([TABLE])},
 * {@code table_avl([TABLE])} a table's entries and room. Names: {@code conn_cur conn_cnt conn_rate sess_cnt
 * sess_rate http_req_cnt http_req_rate http_err_cnt http_err_rate http_fail_cnt http_fail_rate kbytes_in
 * bytes_in_rate kbytes_out bytes_out_rate get_gpc0 get_gpc1 gpc0_rate gpc1_rate inc_gpc0 inc_gpc1 clr_gpc0 clr_gpc1
 * get_gpt0 trackers}, and {@code tracked} for {@code sc*}. As in HAProxy, a counter nobody tracks has no value (the
 * ACL does not match), a datum the table does not store has none either, and an address without an entry reads 0.
 * {@code inc_gpc*} increments ({@code src_inc_gpc*} makes the entry); {@code clr_gpc*} clears and reads the value
 * before. Immutable and thread-safe.
 */
final class StickFetch {
    private static final Pattern SC = Pattern.compile("sc([0-9]?)_([a-z0-9_]+)");
    private static final Pattern SRC = Pattern.compile("src_([a-z0-9_]+)");

    /** Names read from an entry, and the datum each reads. */
    private static final Map<String, StickData> READS = Map.ofEntries(
            Map.entry("conn_cur", StickData.CONN_CUR),
            Map.entry("conn_cnt", StickData.CONN_CNT),
            Map.entry("conn_rate", StickData.CONN_RATE),
            Map.entry("sess_cnt", StickData.SESS_CNT),
            Map.entry("sess_rate", StickData.SESS_RATE),
            Map.entry("http_req_cnt", StickData.HTTP_REQ_CNT),
            Map.entry("http_req_rate", StickData.HTTP_REQ_RATE),
            Map.entry("http_err_cnt", StickData.HTTP_ERR_CNT),
            Map.entry("http_err_rate", StickData.HTTP_ERR_RATE),
            Map.entry("http_fail_cnt", StickData.HTTP_FAIL_CNT),
            Map.entry("http_fail_rate", StickData.HTTP_FAIL_RATE),
            Map.entry("kbytes_in", StickData.BYTES_IN_CNT),
            Map.entry("bytes_in_rate", StickData.BYTES_IN_RATE),
            Map.entry("kbytes_out", StickData.BYTES_OUT_CNT),
            Map.entry("bytes_out_rate", StickData.BYTES_OUT_RATE),
            Map.entry("get_gpc0", StickData.GPC0),
            Map.entry("get_gpc1", StickData.GPC1),
            Map.entry("gpc0_rate", StickData.GPC0_RATE),
            Map.entry("gpc1_rate", StickData.GPC1_RATE),
            Map.entry("get_gpt0", StickData.GPT0));

    private static final List<String> OTHERS = List.of("inc_gpc0", "inc_gpc1", "clr_gpc0", "clr_gpc1", "trackers");

    private enum Scope {
        SC,
        SRC,
        TABLE
    }

    private final String text;
    private final Scope scope;
    private final int counter;
    private final String name;
    private final @Nullable String table;

    private StickFetch(String text, Scope scope, int counter, String name, @Nullable String table) {
        this.text = text;
        this.scope = scope;
        this.counter = counter;
        this.name = name;
        this.table = table;
    }

    /** Whether {@code keyword} (a criterion without its arguments) names a stick table fetch. */
    static boolean isStickFetch(String keyword) {
        Matcher sc = SC.matcher(keyword);
        if (sc.matches()) {
            return known(sc.group(2)) || sc.group(2).equals("tracked");
        }
        Matcher src = SRC.matcher(keyword);
        return (src.matches() && known(src.group(1))) || keyword.equals("table_cnt") || keyword.equals("table_avl");
    }

    private static boolean known(String name) {
        return READS.containsKey(name) || OTHERS.contains(name);
    }

    /**
     * Parses a criterion such as {@code sc_http_req_rate(0)} or {@code src_conn_cur(per_ip)}.
     *
     * @throws ConfigException naming what is wrong and what was expected
     */
    static StickFetch parse(String criterion) {
        int open = criterion.indexOf('(');
        String keyword = open < 0 ? criterion : criterion.substring(0, open);
        List<String> args = List.of();
        if (open >= 0) {
            if (!criterion.endsWith(")")) {
                throw new ConfigException("criterion '" + criterion + "' (expected: a closing ')')");
            }
            String inside = criterion.substring(open + 1, criterion.length() - 1);
            args = inside.isEmpty() ? List.of() : List.of(inside.split(",", -1));
        }
        Matcher sc = SC.matcher(keyword);
        if (sc.matches() && (known(sc.group(2)) || sc.group(2).equals("tracked"))) {
            if (sc.group(1).isEmpty()) {
                if (args.isEmpty() || args.size() > 2) {
                    throw usage(criterion, "sc_" + sc.group(2) + "(COUNTER[,TABLE])");
                }
                int counter = counter(criterion, args.get(0));
                return new StickFetch(criterion, Scope.SC, counter, sc.group(2), table(criterion, args, 1));
            }
            if (args.size() > 1) {
                throw usage(criterion, keyword + "([TABLE])");
            }
            return new StickFetch(
                    criterion, Scope.SC, counter(criterion, sc.group(1)), sc.group(2), table(criterion, args, 0));
        }
        if (args.size() > 1) {
            throw usage(criterion, keyword + "([TABLE])");
        }
        Matcher src = SRC.matcher(keyword);
        if (src.matches() && known(src.group(1)) && !src.group(1).equals("trackers")) {
            return new StickFetch(criterion, Scope.SRC, -1, src.group(1), table(criterion, args, 0));
        }
        if (keyword.equals("table_cnt") || keyword.equals("table_avl")) {
            return new StickFetch(criterion, Scope.TABLE, -1, keyword, table(criterion, args, 0));
        }
        throw new ConfigException("criterion '" + criterion + "' is not a stick table fetch (expected: sc_NAME(N), "
                + "scN_NAME, src_NAME, table_cnt, table_avl)");
    }

    private static int counter(String criterion, String text) {
        if (text.length() == 1 && text.charAt(0) >= '0' && text.charAt(0) < '0' + TrackSc.COUNTERS) {
            return text.charAt(0) - '0';
        }
        throw new ConfigException("criterion '" + criterion + "': counter '" + text + "' (expected: 0 to "
                + (TrackSc.COUNTERS - 1) + ")");
    }

    private static @Nullable String table(String criterion, List<String> args, int index) {
        if (args.size() <= index) {
            return null;
        }
        String table = args.get(index);
        Require.name(criterion, "table", table);
        return table;
    }

    private static ConfigException usage(String criterion, String expected) {
        return new ConfigException("criterion '" + criterion + "' (expected: " + expected + ")");
    }

    /** The table named in the criterion, or null for the section's own (or, for {@code sc*}, the tracked one). */
    @Nullable
    String table() {
        return table;
    }

    /** How an ACL on this fetch matches by default: {@code sc*_tracked} is a boolean, the others integers. */
    Acl.Match defaultMatch() {
        return name.equals("tracked") ? Acl.Match.BOOL : Acl.Match.INT;
    }

    /** The value for {@code request}; null when there is none (the ACL does not match). */
    @Nullable
    Long value(RequestHead request) {
        TrackedRequestHead tracked = TrackedRequestHead.of(request);
        if (tracked == null) {
            return null;
        }
        StickTables tables = tracked.counters().tables();
        return switch (scope) {
            case TABLE -> {
                LiveStickTable live = tables.get(table != null ? table : tracked.section());
                if (live == null) {
                    yield null;
                }
                int used = live.used();
                yield name.equals("table_cnt")
                        ? used
                        : (long) Math.max(0, live.definition().size() - used);
            }
            case SRC -> {
                LiveStickTable live = tables.get(table != null ? table : tracked.section());
                if (live == null) {
                    yield null;
                }
                Object key = live.key(request.clientAddress());
                if (key == null) {
                    yield null;
                }
                boolean creates = name.startsWith("inc_") || name.startsWith("clr_");
                StickEntry entry = creates ? live.acquire(key, false) : live.lookup(key);
                yield entry == null ? Long.valueOf(0) : read(live, entry);
            }
            case SC -> {
                StickCounters.Slot slot = tracked.counters().slot(counter);
                if (name.equals("tracked")) {
                    yield slot == null ? 0L : 1L;
                }
                if (slot == null) {
                    yield null;
                }
                LiveStickTable live = slot.table();
                StickEntry entry = slot.entry();
                if (table != null) { // the same key, looked up in another table
                    live = tables.get(table);
                    entry = live == null ? null : live.lookup(slot.entry().key());
                    if (live == null || entry == null) {
                        yield live == null ? null : Long.valueOf(0);
                    }
                }
                yield read(live, entry);
            }
        };
    }

    private @Nullable Long read(LiveStickTable table, StickEntry entry) {
        long now = table.nowMillis();
        return switch (name) {
            case "trackers" -> (long) entry.use();
            case "inc_gpc0", "inc_gpc1" -> {
                Long value = entry.incrementGpc(name.charAt(7) - '0', now);
                if (value != null) {
                    table.touch(entry);
                }
                yield value;
            }
            case "clr_gpc0", "clr_gpc1" -> {
                Long value = entry.clearGpc(name.charAt(7) - '0');
                if (value != null) {
                    table.touch(entry);
                }
                yield value;
            }
            default -> {
                StickData data = READS.get(name);
                Long value = data == null ? null : entry.read(data, now);
                if (value != null && name.startsWith("kbytes_")) {
                    value = value >> 10;
                }
                yield value;
            }
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
