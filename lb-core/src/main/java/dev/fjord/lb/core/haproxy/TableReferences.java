package dev.fjord.lb.core.haproxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * Checks, once every section is read, the stick tables a file's lines name: {@code track-sc} and {@code stick}
 * rules, and the {@code sc_*(N,TABLE)}, {@code scN_*(TABLE)}, {@code src_*([TABLE])} and {@code table_*([TABLE])}
 * fetches. A table is named after the section declaring it; a rule or a {@code src_*} / {@code table_*} fetch without
 * a table name means its own section's. Errors name the file and line, as HAProxy's would. Stateless.
 */
final class TableReferences {
    /** The stick fetches, as lb-core's ACLs know them. */
    private static final Pattern FETCH = Pattern.compile("(sc_|sc[0-9]_|src_)(conn_cur|conn_cnt|conn_rate|sess_cnt"
            + "|sess_rate|http_req_cnt|http_req_rate|http_err_cnt|http_err_rate|http_fail_cnt|http_fail_rate|kbytes_in"
            + "|bytes_in_rate|kbytes_out|bytes_out_rate|get_gpc0|get_gpc1|gpc0_rate|gpc1_rate|inc_gpc0|inc_gpc1"
            + "|clr_gpc0|clr_gpc1|get_gpt0|trackers|tracked)(\\((.*)\\))?|(table_cnt|table_avl)(\\((.*)\\))?");

    private TableReferences() {}

    /** The errors of {@code sections} (each a section's head and its lines) in {@code file}. */
    static List<String> check(String file, List<Map.Entry<Line, List<Line>>> sections) {
        Map<String, String> declared = new LinkedHashMap<>();
        for (Map.Entry<Line, List<Line>> section : sections) {
            for (Line line : section.getValue()) {
                if (line.keyword().equals("stick-table")) {
                    declared.put(section.getKey().arg(1), section.getKey().keyword());
                }
            }
        }
        List<String> errors = new ArrayList<>();
        List<String> peers = sections.stream()
                .map(Map.Entry::getKey)
                .filter(head -> head.keyword().equals("peers"))
                .map(head -> head.arg(1))
                .toList();
        for (Map.Entry<Line, List<Line>> section : sections) {
            Line head = section.getKey();
            if (!List.of("frontend", "backend", "listen").contains(head.keyword())) {
                continue;
            }
            String name = head.arg(1);
            String context = head.keyword() + " '" + name + "'";
            for (Line line : section.getValue()) {
                int at = line.keyword().equals("stick-table") ? line.words().indexOf("peers") : -1;
                if (at > 0 && at + 1 < line.size() && !peers.contains(line.arg(at + 1))) {
                    errors.add(file + ":" + line.number() + ": 'stick-table' in " + context + ": peers '"
                            + line.arg(at + 1) + "' is not defined (defined: " + peers + ")");
                }
                String keyword = keyword(line);
                for (String table : ruleTables(line)) {
                    check(errors, file, line, keyword, context, table, name, declared);
                }
                for (String table : fetchTables(line)) {
                    check(errors, file, line, keyword, context, table, name, declared);
                }
            }
        }
        return errors;
    }

    private static void check(
            List<String> errors,
            String file,
            Line line,
            String keyword,
            String context,
            String table,
            String section,
            Map<String, String> declared) {
        String where = file + ":" + line.number() + ": '" + keyword + "' in " + context + ": ";
        if (table.isEmpty() && !declared.containsKey(section)) {
            errors.add(where + "no stick-table in " + context + " (expected: a stick-table in it, or table NAME)");
        } else if (!table.isEmpty() && !declared.containsKey(table)) {
            errors.add(where + "stick-table '" + table + "' is not defined (defined: " + List.copyOf(declared.keySet())
                    + ")");
        }
    }

    private static String keyword(Line line) {
        String keyword = line.keyword();
        if (keyword.equals("http-request") || keyword.equals("stick")) {
            return keyword + ' ' + line.arg(1);
        }
        return keyword.equals("tcp-request") ? keyword + ' ' + line.arg(1) + ' ' + line.arg(2) : keyword;
    }

    /** The tables a {@code track-sc} or {@code stick} rule on {@code line} uses ("" for its own section's). */
    private static List<String> ruleTables(Line line) {
        List<String> words = line.words();
        int action = switch (line.keyword()) {
            case "http-request" -> 1;
            case "tcp-request" -> 2;
            case "stick" -> line.arg(1).equals("store-response") ? -1 : 1;
            default -> -1;
        };
        if (action < 0 || action >= words.size()) {
            return List.of();
        }
        boolean tracks = words.get(action).matches("track-sc[0-9]+");
        if (!tracks && !line.keyword().equals("stick")) {
            return List.of();
        }
        int table = action + 2;
        return List.of(table + 1 < words.size() && words.get(table).equals("table") ? words.get(table + 1) : "");
    }

    /**
     * The tables the stick fetches on {@code line} name ("" for a {@code src_*} or {@code table_*} without one): the
     * criterion of an {@code acl} line, and the first word of each anonymous ACL.
     */
    private static List<String> fetchTables(Line line) {
        List<String> words = line.words();
        List<String> criteria = new ArrayList<>();
        if (line.keyword().equals("acl") && words.size() > 2) {
            criteria.add(words.get(2));
        }
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals("{")) {
                criteria.add(words.get(i + 1));
            }
        }
        List<String> tables = new ArrayList<>();
        for (String criterion : criteria) {
            Matcher fetch = FETCH.matcher(criterion);
            if (!fetch.matches()) {
                continue;
            }
            String prefix = fetch.group(1);
            String args = fetch.group(1) != null ? fetch.group(4) : fetch.group(7);
            String[] parts = args == null || args.isEmpty() ? new String[0] : args.split(",", -1);
            if (prefix == null || prefix.equals("src_")) {
                tables.add(parts.length > 0 ? parts[0] : ""); // src_* and table_*: their own table by default
            } else if (prefix.equals("sc_") && parts.length > 1) {
                tables.add(parts[1]);
            } else if (!prefix.equals("sc_") && parts.length > 0) {
                tables.add(parts[0]);
            }
        }
        return tables;
    }
}
