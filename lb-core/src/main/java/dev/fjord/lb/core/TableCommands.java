package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The runtime commands on stick tables, answered as HAProxy 2.6 answers them: {@code show table} (one line per
 * table, the last declared first: backends, then frontends), {@code show table NAME [key KEY | data.TYPE OP VALUE
 * ...]} (the table's line, then its entries in key order, e.g. {@code 0x1a2b3c: key=127.0.0.1 use=0 exp=29000
 * http_req_rate(10000)=3}), and {@code clear table NAME [key KEY | data.TYPE OP VALUE ...]}, which removes entries
 * no connection tracks. Stateless.
 */
final class TableCommands {
    private static final int MAX_FILTERS = 4;

    private TableCommands() {}

    /** What to answer instead, when a command's key or filters are not what it needs. */
    private record Answer(String text) {}

    /** A {@code data.TYPE OP VALUE} filter. */
    private record Filter(StickData data, String op, long value) implements Predicate<Long> {
        @Override
        public boolean test(Long data) {
            return switch (op) {
                case "eq" -> data == value;
                case "ne" -> data != value;
                case "le" -> data <= value;
                case "ge" -> data >= value;
                case "lt" -> data < value;
                default -> data > value;
            };
        }
    }

    /** {@code show table [NAME [FILTER]]}. */
    static String show(StickTables tables, List<String> words) {
        if (words.size() <= 2) {
            StringBuilder out = new StringBuilder();
            List<LiveStickTable> all = new ArrayList<>(tables.all());
            java.util.Collections.reverse(all); // HAProxy lists the last declared first
            all.forEach(table -> head(out, table));
            return out.append('\n').toString();
        }
        LiveStickTable table = tables.get(words.get(2));
        if (table == null) {
            return "No such table\n\n";
        }
        StringBuilder out = new StringBuilder();
        if (words.size() > 3 && words.get(3).equals("key")) {
            Object key = key(table, words);
            if (key instanceof Answer answer) {
                return answer.text();
            }
            StickEntry entry = table.lookup(key);
            if (entry != null) {
                head(out, table);
                entry(out, table, entry);
            }
            return out.append('\n').toString();
        }
        Object filters = filters(
                table,
                words,
                "Optional argument only supports \"data.<store_data_type>\" " + "<operator> <value> and key <key>\n\n");
        if (filters instanceof Answer answer) {
            return answer.text();
        }
        head(out, table);
        for (StickEntry entry : sorted(table)) {
            if (matches(table, entry, filters)) {
                entry(out, table, entry);
            }
        }
        return out.append('\n').toString();
    }

    /** {@code clear table NAME [FILTER]}. */
    static String clear(StickTables tables, List<String> words) {
        if (words.size() <= 2) {
            return "Required arguments: <table> \"data.<store_data_type>\" <operator> <value> or <table> key <key>\n\n";
        }
        LiveStickTable table = tables.get(words.get(2));
        if (table == null) {
            return "No such table\n\n";
        }
        if (words.size() > 3 && words.get(3).equals("key")) {
            Object key = key(table, words);
            if (key instanceof Answer answer) {
                return answer.text();
            }
            return table.remove(entry -> entry.key().equals(key)) > 0
                    ? "Entry currently in use, cannot remove\n\n"
                    : "\n";
        }
        Object filters = filters(
                table,
                words,
                "Required arguments: <table> \"data.<store_data_type>\" <operator> "
                        + "<value> or <table> key <key>\n\n");
        if (filters instanceof Answer answer) {
            return answer.text();
        }
        table.remove(entry -> matches(table, entry, filters));
        return "\n";
    }

    /**
     * The key the command names, or the {@link Answer} when there is none: HAProxy reads an IPv4 key that is not
     * an address as 0.0.0.0, which has no entry, and refuses other invalid keys.
     */
    private static Object key(LiveStickTable table, List<String> words) {
        if (words.size() < 5) {
            return new Answer("Key value expected\n\n");
        }
        Object key = StickKeys.parse(table.definition(), words.get(4));
        if (key == null) {
            return new Answer(table.definition().type() == StickTable.Type.IP ? "\n" : "Invalid key\n\n");
        }
        return key;
    }

    /** The {@code data.} filters of the command (a List), or the {@link Answer} when they are wrong. */
    private static Object filters(LiveStickTable table, List<String> words, String usage) {
        List<Filter> filters = new ArrayList<>();
        int i = 3;
        for (; i < words.size() && filters.size() < MAX_FILTERS; i += 3) {
            String word = words.get(i);
            if (filters.isEmpty() && !word.startsWith("data.")) {
                return new Answer(usage);
            }
            int n = filters.size() + 1;
            StickData data = StickData.of(word.length() > 5 ? word.substring(5) : ""); // as HAProxy: data. unchecked
            if (data == null) {
                return new Answer("Filter entry #" + n + ": Unknown data type\n\n");
            }
            if (!table.definition().stores(data) && !(table.sticky() && data == StickData.SERVER_ID)) {
                return new Answer("Filter entry #" + n + ": Data type not stored in this table\n\n");
            }
            String op = i + 1 < words.size() ? words.get(i + 1) : "";
            if (!op.matches("eq|ne|le|ge|lt|gt")) {
                return new Answer("Filter entry #" + n
                        + ": Require and operator among \"eq\", \"ne\", \"le\", \"ge\", \"lt\", " + "\"gt\"\n\n");
            }
            try {
                filters.add(new Filter(data, op, Long.parseLong(i + 2 < words.size() ? words.get(i + 2) : "")));
            } catch (NumberFormatException e) {
                return new Answer("Filter entry #" + n + ": Require a valid integer value to compare against\n\n");
            }
        }
        return i < words.size() ? new Answer(extra(words, i)) : filters;
    }

    private static String extra(List<String> words, int index) {
        return "Detected extra data in filter, " + (index + 1) + "th word of input, after '" + words.get(index - 1)
                + "'\n\n";
    }

    private static boolean matches(LiveStickTable table, StickEntry entry, Object filters) {
        long now = table.nowMillis();
        for (Object each : (List<?>) filters) {
            Filter filter = (Filter) each;
            Long value = entry.read(filter.data(), now);
            if (!filter.test(value == null ? 0 : value)) {
                return false;
            }
        }
        return true;
    }

    private static void head(StringBuilder out, LiveStickTable table) {
        out.append("# table: ")
                .append(table.name())
                .append(", type: ")
                .append(table.definition().type().keyword())
                .append(", size:")
                .append(table.definition().size())
                .append(", used:")
                .append(table.used())
                .append('\n');
    }

    private static void entry(StringBuilder out, LiveStickTable table, StickEntry entry) {
        long now = table.nowMillis();
        long expiresIn = table.definition().expire() == null ? 0 : Math.max(0, (entry.expiresAt() / 1_000_000) - now);
        out.append("0x")
                .append(Integer.toHexString(System.identityHashCode(entry)))
                .append(": key=")
                .append(StickKeys.text(entry.key()))
                .append(" use=")
                .append(entry.use())
                .append(" exp=")
                .append(expiresIn);
        for (StickData data : StickData.values()) {
            if (!entry.stores(data)) {
                continue;
            }
            out.append(' ').append(data.keyword());
            if (data.isRate()) {
                out.append('(').append(table.definition().periodMillis(data)).append(')');
            }
            out.append('=');
            if (data == StickData.SERVER_KEY) {
                String server = entry.serverKey();
                out.append(server == null ? "-" : server);
            } else {
                out.append(entry.read(data, now));
            }
        }
        out.append('\n');
    }

    /** The entries in key order, as HAProxy's tree keeps them. */
    private static List<StickEntry> sorted(LiveStickTable table) {
        List<StickEntry> entries = table.entries();
        entries.sort(Comparator.comparing(StickEntry::key, TableCommands::compareKeys));
        return entries;
    }

    private static int compareKeys(Object a, Object b) {
        if (a instanceof StickKeys.Ipv4Key x && b instanceof StickKeys.Ipv4Key y) {
            return Integer.compareUnsigned(x.address(), y.address());
        }
        if (a instanceof StickKeys.Ipv6Key x && b instanceof StickKeys.Ipv6Key y) {
            int high = Long.compareUnsigned(x.high(), y.high());
            return high != 0 ? high : Long.compareUnsigned(x.low(), y.low());
        }
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        return a.toString().compareTo(b.toString());
    }
}
