package dev.fjord.lb.core.haproxy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.SettingsBuilder;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * {@code http-errors NAME} sections of {@code errorfile CODE FILE} lines, and the {@code errorfiles NAME [CODE ...]}
 * keyword of proxy sections (defaults included) that takes their pages: all of them, or those of the codes named.
 * The sections are read before the proxies, so that one may be declared after its use, as HAProxy allows. Not
 * thread-safe; one per file read.
 */
final class HttpErrorsSections {
    private final Map<String, Map<Integer, LocalResponse>> sections = new HashMap<>();

    /** An {@code errorfile} line of the section {@code name}. */
    void add(String name, Line line) {
        Map<Integer, LocalResponse> pages = sections.computeIfAbsent(name, n -> new LinkedHashMap<>());
        if (!line.keyword().equals("errorfile")) {
            throw new IllegalArgumentException("unknown keyword (expected: errorfile CODE FILE)");
        }
        Map.Entry<Integer, LocalResponse> page = ResponseKeywords.errorFile(line);
        pages.put(page.getKey(), page.getValue());
    }

    /** Declares the section {@code name}, also when it has no line. */
    void declare(String name) {
        sections.computeIfAbsent(name, n -> new LinkedHashMap<>());
    }

    /** Applies an {@code errorfiles} line to {@code settings}; false when {@code line} is none. */
    boolean apply(SettingsBuilder<?> settings, Line line) {
        if (!line.keyword().equals("errorfiles")) {
            return false;
        }
        Map<Integer, LocalResponse> pages = sections.get(line.arg(1));
        if (pages == null) {
            throw new IllegalArgumentException("http-errors section '" + line.arg(1) + "' is not defined (defined: "
                    + new java.util.TreeSet<>(sections.keySet()) + ")");
        }
        if (line.size() == 2) {
            pages.forEach(settings::errorFile);
            return true;
        }
        for (int i = 2; i < line.size(); i++) {
            int status = Values.integer(line.arg(i));
            LocalResponse page = pages.get(status);
            if (page == null) {
                throw new IllegalArgumentException("http-errors '" + line.arg(1) + "' has no errorfile " + status
                        + " (it has: " + pages.keySet() + ")");
            }
            settings.errorFile(status, page);
        }
        return true;
    }
}
