package dev.fjord.lb.netty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@code crt-list} file as HAProxy reads it: one certificate per line, {@code PATH [[!]SNI-FILTER ...]}, blank
 * lines and {@code #} comments skipped; a filter names the SNI the certificate serves ({@code *.example.com} for one
 * label), {@code !name} excludes one. Bracketed per-line options ({@code [alpn h2]}) are refused. Stateless.
 */
final class CrtList {
    /** One line: the certificate and the names it serves; {@code names} empty: those of the certificate. */
    record Entry(Path certificate, List<String> names, List<String> excluded) {}

    private CrtList() {}

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException naming the file and line of what is wrong
     */
    static List<Entry> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> words = List.of(line.split("\\s+"));
            if (words.stream().anyMatch(w -> w.startsWith("["))) {
                throw new IllegalArgumentException(file + ":" + (i + 1)
                        + ": per-certificate options in [...] are not supported yet (expected: PATH [SNI-FILTER...])");
            }
            List<String> names = new ArrayList<>();
            List<String> excluded = new ArrayList<>();
            for (String filter : words.subList(1, words.size())) {
                String name = filter.toLowerCase(Locale.ROOT);
                if (name.startsWith("!")) {
                    excluded.add(name.substring(1));
                } else {
                    names.add(name);
                }
            }
            entries.add(new Entry(Path.of(words.get(0)), names, excluded));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(file + ": no certificate (expected: a line PATH [SNI-FILTER...])");
        }
        return entries;
    }
}
