package dev.fjord.lb.core.haproxy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HAProxy's conditional blocks (its configuration manual, 2.4): {@code .if COND}, {@code .elif COND}, {@code .else},
 * {@code .endif}, nested, and the messages {@code .notice}, {@code .warning} (report warnings), {@code .alert} (an
 * error) and {@code .diag} (ignored) where their block is kept. A condition is empty (false), an integer (0 is
 * false), a predicate, or these combined with {@code !}, {@code &&}, {@code ||} and parentheses; its words are joined
 * by single spaces first, as HAProxy does. Predicates: {@code defined(NAME)}, {@code streq(A,B)}, {@code strneq(A,B)},
 * {@code strstr(A,B)}, {@code feature(NAME)}, {@code version_atleast(V)}, {@code version_before(V)} (Fjord reads its
 * configuration as HAProxy {@value #VERSION} does), {@code openssl_version_atleast(V)},
 * {@code openssl_version_before(V)} (BoringSSL says {@value #OPENSSL_VERSION}), {@code enabled(OPTION)},
 * {@code fips_mode()} (false), {@code ssllib_name_startswith(NAME)} (BoringSSL). Not thread-safe; one per file read.
 */
final class ConditionalBlocks {
    /** The HAProxy version whose configuration language Fjord reads, for {@code version_atleast}. */
    static final String VERSION = "2.6";

    static final String OPENSSL_VERSION = "1.1.1";

    /** The names {@code feature()} finds, as {@code haproxy -vv} lists them: what Fjord has built in. */
    private static final Set<String> FEATURES = Set.of("OPENSSL", "PROMEX", "ZLIB", "THREAD", "EPOLL");

    /** What {@code enabled()} finds on. */
    private static final Set<String> ENABLED = Set.of("EPOLL", "POLL", "REUSEPORT", "GETADDRINFO");

    private final String file;
    private final Map<String, String> environment;
    private final List<String> errors;
    private final List<String> warnings;
    /** One level per open {@code .if}, innermost first. */
    private final Deque<Level> levels = new ArrayDeque<>();

    /** An open {@code .if}: where, whether a branch was taken, whether the current one is, whether in its else. */
    private static final class Level {
        final int line;
        final boolean outerKept;
        boolean taken;
        boolean keeping;
        boolean inElse;

        Level(int line, boolean outerKept) {
            this.line = line;
            this.outerKept = outerKept;
        }
    }

    ConditionalBlocks(String file, Map<String, String> environment, List<String> errors, List<String> warnings) {
        this.file = file;
        this.environment = environment;
        this.errors = errors;
        this.warnings = warnings;
    }

    /** Whether the line numbered {@code number} is configuration to read: false for directives and dropped lines. */
    boolean keeps(int number, List<String> words) {
        String directive = words.get(0);
        boolean kept = levels.isEmpty() || levels.peek().keeping;
        switch (directive) {
            case ".if" -> {
                Level level = new Level(number, kept);
                level.keeping = kept && condition(number, words);
                level.taken = level.keeping;
                levels.push(level);
            }
            case ".elif", ".else" -> {
                Level level = levels.peek();
                if (level == null || level.inElse) {
                    errors.add(at(number) + "'" + directive + "' without an open '.if'"
                            + (level == null ? "" : " (it has had its '.else')"));
                    return false;
                }
                level.inElse = directive.equals(".else");
                boolean now = level.outerKept && !level.taken && (level.inElse || condition(number, words));
                level.keeping = now;
                level.taken |= now;
            }
            case ".endif" -> {
                if (levels.poll() == null) {
                    errors.add(at(number) + "'.endif' without an open '.if'");
                }
            }
            case ".notice", ".warning" -> {
                if (kept) {
                    warnings.add(at(number) + message(words));
                }
            }
            case ".alert" -> {
                if (kept) {
                    errors.add(at(number) + message(words));
                }
            }
            case ".diag" -> {}
            default -> {
                return kept;
            }
        }
        return false;
    }

    /** At the end of the file: an {@code .if} still open is an error. */
    void end() {
        for (Level level : levels) {
            errors.add(at(level.line) + "'.if' without its '.endif'");
        }
        levels.clear();
    }

    private boolean condition(int number, List<String> words) {
        String text = String.join(" ", words.subList(1, words.size()));
        try {
            return new ConditionExpression(text, this::predicate).evaluate();
        } catch (IllegalArgumentException e) {
            errors.add(at(number) + "'" + words.get(0) + " " + text + "': " + e.getMessage());
            return false;
        }
    }

    private boolean predicate(String name, List<String> args) {
        return switch (name) {
            case "defined" -> environment.containsKey(arg(name, args, 0));
            case "streq" -> arg(name, args, 0).equals(arg(name, args, 1));
            case "strneq" -> !arg(name, args, 0).equals(arg(name, args, 1));
            case "strstr" -> arg(name, args, 0).contains(arg(name, args, 1));
            case "feature" -> FEATURES.contains(arg(name, args, 0));
            case "enabled" -> ENABLED.contains(arg(name, args, 0));
            case "version_atleast" -> Versions.compare(VERSION, arg(name, args, 0)) >= 0;
            case "version_before" -> Versions.compare(VERSION, arg(name, args, 0)) < 0;
            case "openssl_version_atleast" -> Versions.compare(OPENSSL_VERSION, arg(name, args, 0)) >= 0;
            case "openssl_version_before" -> Versions.compare(OPENSSL_VERSION, arg(name, args, 0)) < 0;
            case "ssllib_name_startswith" -> "BoringSSL".startsWith(arg(name, args, 0));
            case "fips_mode", "awslc_api_atleast", "awslc_api_before" -> false;
            default ->
                throw new IllegalArgumentException("predicate '" + name + "' (expected: defined, feature, streq, "
                        + "strneq, strstr, version_atleast, version_before, openssl_version_atleast, "
                        + "openssl_version_before, ssllib_name_startswith, enabled or fips_mode)");
        };
    }

    private static String arg(String predicate, List<String> args, int index) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(
                    predicate + "() needs " + (index + 1) + " argument" + (index == 0 ? "" : "s"));
        }
        return args.get(index);
    }

    private static String message(List<String> words) {
        return String.join(" ", words.subList(1, words.size()));
    }

    private String at(int number) {
        return file + ":" + number + ": ";
    }
}
