package dev.fjord.lb.core.haproxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * Reads a haproxy.cfg into the same {@link ProxyConfig.Builder} the fluent API uses, so a caller can override
 * addresses or add servers before {@link ProxyConfig.Builder#build()}. Sections {@code global}, {@code defaults}
 * (several, named or not), {@code frontend}, {@code backend} and {@code listen}; process-level directives are
 * accepted and listed in the {@link #report()}; anything else Fjord does not support is an error naming the file,
 * line, keyword and section.
 *
 * <pre>{@code
 * HaproxyImport imported = HaproxyImport.parse(Path.of("/etc/haproxy/haproxy.cfg"));
 * System.out.println(imported.report());
 * ProxyConfig config = imported.builder().editBackend("app", b -> b.editServer("web1", s ->
 * s.address("127.0.0.1:8081")))
 *     .build();
 * }</pre>
 */
public final class HaproxyImport {
    private static final Set<String> SECTIONS = Set.of(
            "global", "defaults", "frontend", "backend", "listen", "resolvers", "peers", "userlist", "http-errors");
    private static final Set<String> UNSUPPORTED_SECTIONS =
            Set.of("mailers", "program", "cache", "ring", "fcgi-app", "crt-store", "traces");

    private final ProxyConfig.Builder builder;
    private final ImportReport report;

    private HaproxyImport(ProxyConfig.Builder builder, ImportReport report) {
        this.builder = builder;
        this.report = report;
    }

    /** Reads {@code file} (UTF-8), expanding {@code "${VAR}"} from the process environment. */
    public static HaproxyImport parse(Path file) throws IOException {
        return parse(
                Files.readString(file, StandardCharsets.UTF_8),
                file.getFileName().toString(),
                System.getenv());
    }

    /**
     * Reads configuration {@code text}; {@code file} names it in messages, {@code environment} expands
     * {@code "${VAR}"}.
     *
     * @throws ConfigException with every error in the text, each as {@code file:line: 'keyword' in section: what is
     *     wrong (expected: ...)} ({@link ConfigException#errors()})
     */
    public static HaproxyImport parse(String text, String file, Map<String, String> environment) {
        Checked checked = check(text, file, environment);
        if (checked.imported() == null) {
            throw new ConfigException(checked.errors());
        }
        return checked.imported();
    }

    /**
     * What reading a haproxy.cfg found, errors or not: for {@code --check}, which lists every error and every
     * ignored line at once.
     *
     * @param errors every error, each naming its file and line, in line order; empty when the file was read
     * @param report what was ignored or warned about, also when there are errors
     * @param imported the import; null when there are errors
     */
    public record Checked(
            List<String> errors,
            ImportReport report,
            @Nullable HaproxyImport imported) {
        public Checked {
            errors = List.copyOf(errors);
        }
    }

    /** Reads {@code file} (UTF-8) as {@link #check(String, String, Map)} does. */
    public static Checked check(Path file) throws IOException {
        return check(
                Files.readString(file, StandardCharsets.UTF_8),
                file.getFileName().toString(),
                System.getenv());
    }

    /** Reads configuration {@code text} as {@link #parse(String, String, Map)} does, keeping errors and report. */
    public static Checked check(String text, String file, Map<String, String> environment) {
        Sections reader = new Sections(file);
        List<String> errors = new ArrayList<>();
        List<Line> lines = Lines.split(text, file, environment, errors, reader.warnings());
        ProxyConfig.Builder builder = ProxyConfig.builder();
        Map<String, Integer> backends = new LinkedHashMap<>();
        List<Line> current = null;
        List<Map.Entry<Line, List<Line>>> sections = new ArrayList<>();
        boolean skipping = false; // the lines of an unsupported section, already reported
        for (Line line : lines) {
            String keyword = line.keyword();
            if (SECTIONS.contains(keyword)) {
                current = new ArrayList<>();
                sections.add(Map.entry(line, current));
                skipping = false;
            } else if (UNSUPPORTED_SECTIONS.contains(keyword)) {
                errors.add(file + ":" + line.number() + ": section '" + keyword
                        + "' is not supported (expected: global, defaults, frontend, backend, listen, "
                        + "resolvers, peers, userlist or http-errors)");
                current = null;
                skipping = true;
            } else if (current != null) {
                current.add(line);
            } else if (!skipping) {
                errors.add(file + ":" + line.number() + ": '" + keyword
                        + "' outside of a section (expected: global, defaults, frontend, backend, listen, "
                        + "resolvers, peers, userlist or http-errors first)");
            }
        }
        for (Map.Entry<Line, List<Line>> section : sections) {
            Line head = section.getKey();
            if (head.keyword().equals("backend") || head.keyword().equals("listen")) {
                backends.put(head.arg(1), head.number());
            }
        }
        sections.stream()
                .filter(section -> section.getKey().keyword().equals("global"))
                .flatMap(section -> section.getValue().stream())
                .filter(line -> line.keyword().equals("localpeer") && line.size() == 2)
                .forEach(line -> reader.localPeer = line.arg(1));
        // http-errors sections first: a proxy may use one declared after it
        sections.sort(java.util.Comparator.comparing(
                section -> !section.getKey().keyword().equals("http-errors")));
        for (Map.Entry<Line, List<Line>> section : sections) {
            reader.section(builder, section.getKey(), section.getValue());
        }
        reader.checkReferences(backends.keySet());
        errors.addAll(reader.errors());
        errors.addAll(TableReferences.check(file, sections));
        errors.sort(java.util.Comparator.comparingInt(HaproxyImport::lineOf));
        ImportReport report = reader.report();
        return new Checked(errors, report, errors.isEmpty() ? new HaproxyImport(builder, report) : null);
    }

    /** The line number an error names after {@code file:}, for sorting; errors without one go last. */
    private static int lineOf(String error) {
        int colon = error.indexOf(':');
        int next = colon < 0 ? -1 : error.indexOf(':', colon + 1);
        try {
            return next < 0 ? Integer.MAX_VALUE : Integer.parseInt(error.substring(colon + 1, next));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** The configuration read, as a builder to change before building. */
    public ProxyConfig.Builder builder() {
        return builder;
    }

    /** What was ignored or warned about. */
    public ImportReport report() {
        return report;
    }
}
