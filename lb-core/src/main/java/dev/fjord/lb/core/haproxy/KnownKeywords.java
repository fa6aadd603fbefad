package dev.fjord.lb.core.haproxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * The keywords HAProxy knows (its configuration manual's global keyword list and proxy keyword matrix, and the
 * 1.x keywords removed since; {@code haproxy-keywords.txt} beside this class), so that a keyword Fjord does not
 * implement is reported as "not supported yet" rather than unknown, and the few proxy keywords that change nothing
 * in Fjord (metadata, socket and kernel tuning) are reported as ignored. Immutable.
 */
final class KnownKeywords {
    /** Process-level directives that mean nothing inside a JVM: accepted and reported as ignored. */
    static final Set<String> PROCESS_LEVEL = Set.of(
            "chroot",
            "user",
            "group",
            "uid",
            "gid",
            "daemon",
            "pidfile",
            "nbthread",
            "nbproc",
            "ulimit-n",
            "master-worker",
            "cpu-map",
            "node",
            "description",
            "quiet",
            "debug",
            "hard-stop-after",
            "log-send-hostname",
            "log-tag",
            "set-dumpable",
            "unix-bind",
            "expose-experimental-directives",
            "server-state-file",
            "server-state-base",
            "tune.ssl.default-dh-param",
            "insecure-fork-wanted",
            "insecure-setuid-wanted",
            "expose-deprecated-directives",
            "busy-polling",
            "cpu-affinity",
            "cpu-policy",
            "cpu-set",
            "fd-hard-limit",
            "max-threads-per-group",
            "thread-groups",
            "numa-cpu-mapping",
            "maxpipes",
            "mworker-max-reloads",
            "no-memory-trimming",
            "noepoll",
            "noevports",
            "nokqueue",
            "noktls",
            "nopoll",
            "noreuseport",
            "nosplice",
            "nogetaddrinfo",
            "prealloc-fd",
            "strict-limits",
            "zero-warning",
            "ssl-dh-param-file",
            "ssl-default-bind-sigalgs",
            "ssl-default-server-sigalgs");

    /** Proxy keywords that change nothing Fjord does: accepted, listed in the report as ignored. */
    private static final Set<String> PROXY_IGNORED = new HashSet<>();
    /** HAProxy's proxy keywords, one to three words as the manual names them. */
    private static final Set<String> PROXY = new HashSet<>();
    /** HAProxy's global keywords; {@code tune.*}, {@code ssl-*} and others by prefix in {@link #global}. */
    private static final Set<String> GLOBAL = new HashSet<>();

    static {
        try (InputStream in = Objects.requireNonNull(
                        KnownKeywords.class.getResourceAsStream("haproxy-keywords.txt"), "haproxy-keywords.txt");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                int space = line.indexOf(' ');
                if (line.startsWith("#") || space < 0) {
                    continue;
                }
                String keyword = line.substring(space + 1);
                switch (line.substring(0, space)) {
                    case "global" -> GLOBAL.add(keyword);
                    case "proxy" -> PROXY.add(keyword);
                    case "ignored" -> PROXY_IGNORED.add(keyword);
                    default -> throw new IllegalStateException("haproxy-keywords.txt: bad line '" + line + "'");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private KnownKeywords() {}

    /** The keyword as the manual names it (e.g. {@code option httpchk}, {@code capture request header}), or null. */
    static @Nullable String proxy(Line line) {
        if (line.keyword().equals("no") && line.size() > 1) {
            String negated = proxy(new Line(line.number(), line.words().subList(1, line.size())));
            return negated == null ? null : "no " + negated;
        }
        for (int words = Math.min(3, line.size()); words >= 1; words--) {
            String keyword = String.join(" ", line.words().subList(0, words));
            if (PROXY.contains(keyword) || PROXY_IGNORED.contains(keyword)) {
                return keyword;
            }
        }
        return null;
    }

    /** Whether {@code line} is a proxy keyword Fjord accepts and ignores. */
    static boolean ignoredInProxy(Line line) {
        String keyword = proxy(line);
        return keyword != null && PROXY_IGNORED.contains(keyword);
    }

    /** Whether HAProxy knows {@code keyword} in the global section. */
    static boolean global(String keyword) {
        return GLOBAL.contains(keyword)
                || keyword.startsWith("tune.")
                || keyword.startsWith("ssl-")
                || keyword.startsWith("httpclient.")
                || keyword.startsWith("ocsp-update.")
                || keyword.startsWith("profiling.")
                || keyword.startsWith("harden.")
                || keyword.startsWith("jwt.")
                || keyword.startsWith("wurfl-")
                || keyword.startsWith("51degrees-")
                || keyword.startsWith("deviceatlas-")
                || keyword.startsWith("quic-");
    }

    /**
     * Fails on {@code line} when its keyword is one of {@code others}, those HAProxy allows only in a section of kind
     * {@code other}, not in this {@code kind} (the built section would fail too, without the line).
     */
    static void onlyIn(Line line, Set<String> others, String kind, String other) {
        String keyword = KnownKeywords.proxy(line);
        if (keyword != null && others.contains(keyword)) {
            throw new IllegalArgumentException(
                    "not allowed in a " + kind + " (allowed in: defaults, " + other + ", listen)");
        }
    }
}
