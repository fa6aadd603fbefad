package dev.fjord.lb.netty;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.fjord.lb.core.AdminState;
import dev.fjord.lb.core.Backend;
import dev.fjord.lb.core.HealthChecks;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.StatsConfig;

/**
 * The stats page's admin form, posted back: servers set READY, DRAIN or MAINT, their checks stopped or started,
 * their weight changed, for users {@code stats admin} admits. The form carries a token bound to the user (an HMAC
 * with a per-process key) and is refused without it or from another origin. Thread-safe.
 */
final class StatsAdmin {
    private static final byte[] KEY = new byte[32];

    static {
        new SecureRandom().nextBytes(KEY);
    }

    private StatsAdmin() {}

    /**
     * Applies an admin form POST: {@code b} backend, {@code s} servers (repeated), {@code action} one of
     * {@code ready drain maint dhlth ehlth weight}, {@code weight}, {@code token}. Answers 303 to the page with
     * {@code ;st=DONE} or {@code ;st=DENY}.
     */
    static LocalResponse post(ProxyRuntime runtime, RouteDecision.Stats decision, String form) {
        StatsConfig stats = decision.frontend().stats();
        String base = stats == null ? "/" : stats.uri();
        Map<String, List<String>> fields = parseForm(form);
        String user = user(decision.request());
        boolean allowed = decision.admin()
                && sameOrigin(decision.request())
                && MessageDigest.isEqual(
                        token(user).getBytes(StandardCharsets.US_ASCII),
                        first(fields, "token").getBytes(StandardCharsets.US_ASCII));
        String result = allowed && apply(runtime, fields) ? "DONE" : "DENY";
        return new LocalResponse(
                303,
                List.of(Map.entry("Location", base + ";st=" + result), Map.entry("Cache-Control", "no-cache")),
                "");
    }

    private static boolean apply(ProxyRuntime runtime, Map<String, List<String>> fields) {
        Backend backend;
        try {
            backend = runtime.router.backend(first(fields, "b"));
        } catch (IllegalArgumentException e) {
            return false;
        }
        List<String> names = fields.getOrDefault("s", List.of());
        if (names.isEmpty()) {
            return false;
        }
        for (String name : names) {
            Server server = backend.server(name);
            if (server == null) {
                return false;
            }
            switch (first(fields, "action")) {
                case "ready" -> server.adminState(AdminState.READY);
                case "drain" -> server.adminState(AdminState.DRAIN);
                case "maint" -> server.adminState(AdminState.MAINT);
                case "dhlth" -> {
                    HealthChecks checks = runtime.healthChecks;
                    if (server.config().check() && checks != null) {
                        checks.disable(server);
                    }
                }
                case "ehlth" -> {
                    HealthChecks checks = runtime.healthChecks;
                    if (server.config().check() && checks != null) {
                        checks.enable(server);
                    }
                }
                case "weight" -> {
                    String weight = first(fields, "weight");
                    if (!weight.matches("\\d{1,3}") || Integer.parseInt(weight) > 256) {
                        return false;
                    }
                    server.weight(Integer.parseInt(weight));
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    /** The Basic-authentication user of the request, or empty. */
    static String user(RequestHead request) {
        String authorization = request.header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return "";
        }
        try {
            String decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? decoded : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** The anti-CSRF token of {@code user}: an HMAC with a key that never leaves the process. */
    static String token(String user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(mac.doFinal(("fjord-stats-admin:" + user).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A browser's POST names its origin; one from another site is refused (no Origin/Referer: a script, allowed). */
    private static boolean sameOrigin(RequestHead request) {
        String host = request.header("Host");
        String origin = request.header("Origin");
        if (origin == null) {
            origin = request.header("Referer");
        }
        if (origin == null) {
            return true;
        }
        if (host == null) {
            return false;
        }
        return origin.equals("http://" + host)
                || origin.equals("https://" + host)
                || origin.startsWith("http://" + host + "/")
                || origin.startsWith("https://" + host + "/");
    }

    private static Map<String, List<String>> parseForm(String form) {
        Map<String, List<String>> fields = new HashMap<>();
        for (String pair : form.split("&", -1)) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                String name = URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                fields.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        }
        return fields;
    }

    private static String first(Map<String, List<String>> fields, String name) {
        List<String> values = fields.get(name);
        return values == null || values.isEmpty() ? "" : values.get(0);
    }
}
