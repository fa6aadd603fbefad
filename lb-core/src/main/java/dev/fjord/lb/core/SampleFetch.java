package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A sample expression as HAProxy writes one: a fetch with its arguments, then converters separated by commas, e.g.
 * {@code src}, {@code req.hdr(x-forwarded-for,-1)}, {@code req.hdr(host),lower}, {@code src,ipmask(24)}. Request
 * fetches: {@code src}, {@code src_port}, {@code dst_port}, {@code path}, {@code query}, {@code url}, {@code base},
 * {@code method}, {@code req.ver}, {@code hdr|req.hdr(NAME[,OCC])} (a comma-separated value; the last one unless OCC
 * says), {@code req.fhdr(NAME[,OCC])} (a whole line), {@code hdr_ip|req.hdr_ip(NAME[,OCC])}, {@code
 * url_param|urlp(NAME)}, {@code req.cook|cook(NAME)}, {@code ssl_fc_sni}, {@code str(TEXT)}. A table key ({@code
 * track-sc0 KEY}, {@code stick on KEY}: {@link #parse}) takes only those; an expression of a {@code log-format} or a
 * header value ({@link #parseExpression}) also the response's {@code status} and {@code res.hdr|shdr(NAME[,OCC])}, and
 * the stick table fetches of {@link StickFetch} ({@code sc_http_req_rate(0)}, {@code src_conn_cur}, ...). Converters:
 * those of {@link SampleConverter}. Immutable and thread-safe.
 */
final class SampleFetch {
    /** Fetches available when a connection is accepted, before anything is read. */
    private static final Set<String> CONNECTION_LEVEL = Set.of("src", "src_port", "dst", "dst_port");

    private static final String KEY_FETCHES = "src, src_port, dst, dst_port, path, pathq, query, url, base, method, "
            + "capture.req.uri, capture.req.method, req.ver, hdr(NAME[,OCC]), req.fhdr(NAME[,OCC]), "
            + "hdr_ip(NAME[,OCC]), url_param(NAME), req.cook(NAME), "
            + "ssl_fc, ssl_fc_sni, ssl_fc_protocol, ssl_fc_cipher, ssl_fc_alpn, ssl_c_used, ssl_c_verify, ssl_c_s_dn, "
            + "str(TEXT), uuid, unique-id or var(NAME)";

    private final String text;
    private final String fetch;
    private final List<String> args;
    private final @Nullable StickFetch stick;
    /** The TLS fetch this is ({@code ssl_fc_sni}...), resolved once; null for the others. */
    private final @Nullable AclFetch tls;

    private final List<SampleConverter> converters;

    private SampleFetch(
            String text,
            String fetch,
            List<String> args,
            @Nullable StickFetch stick,
            List<SampleConverter> converters) {
        this.text = text;
        this.fetch = fetch;
        this.args = args;
        this.stick = stick;
        this.tls = tlsFetch(fetch);
        this.converters = converters;
    }

    /**
     * Parses {@code text}, a table key: request fetches only.
     *
     * @throws ConfigException naming the fetch or converter that is wrong and what was expected
     */
    static SampleFetch parse(String text) {
        return parse(text, false);
    }

    /**
     * Parses {@code text}, an expression of a {@code log-format} or a header value: request and response fetches,
     * and stick table fetches.
     *
     * @throws ConfigException naming the fetch or converter that is wrong and what was expected
     */
    static SampleFetch parseExpression(String text) {
        return parse(text, true);
    }

    private static SampleFetch parse(String text, boolean expression) {
        List<List<String>> parts = split(text);
        List<String> head = parts.get(0);
        String name = head.get(0);
        List<String> args = head.subList(1, head.size());
        List<SampleConverter> converters = new ArrayList<>();
        for (List<String> converter : parts.subList(1, parts.size())) {
            converters.add(SampleConverter.parse(text, converter));
        }
        if (expression && StickFetch.isStickFetch(name)) {
            String criterion = args.isEmpty() ? name : name + "(" + String.join(",", args) + ")";
            return new SampleFetch(text, name, List.of(), StickFetch.parse(criterion), List.copyOf(converters));
        }
        String fetch = switch (name) {
            case "hdr" -> "req.hdr";
            case "fhdr" -> "req.fhdr";
            case "hdr_ip" -> "req.hdr_ip";
            case "urlp" -> "url_param";
            case "cook" -> "req.cook";
            case "req_ver" -> "req.ver";
            case "shdr" -> "res.hdr";
            default -> name;
        };
        int[] arity = switch (fetch) {
            case "capture.req.uri",
                    "capture.req.method",
                    "src",
                    "src_port",
                    "dst",
                    "dst_port",
                    "path",
                    "pathq",
                    "query",
                    "url",
                    "base",
                    "method",
                    "req.ver" -> new int[] {0, 0};
            case "ssl_fc",
                    "ssl_fc_sni",
                    "ssl_fc_protocol",
                    "ssl_fc_cipher",
                    "ssl_fc_alpn",
                    "ssl_c_used",
                    "ssl_c_verify",
                    "ssl_c_s_dn" -> new int[] {0, 0};
            case "str" -> new int[] {1, 1};
            case "uuid" -> new int[] {0, 1};
            case "unique-id" -> new int[] {0, 0};
            case "var" -> new int[] {1, 1};
            case "req.hdr", "req.fhdr", "req.hdr_ip" -> new int[] {1, 2};
            case "url_param", "req.cook" -> new int[] {1, 1};
            case "status" -> expression ? new int[] {0, 0} : null;
            case "res.hdr" -> expression ? new int[] {1, 2} : null;
            default -> null;
        };
        if (arity == null) {
            throw new ConfigException("sample '" + text + "': fetch '" + name + "' is not supported yet (expected: "
                    + (expression
                            ? KEY_FETCHES.replace(" or ", ", ") + ", status, res.hdr(NAME[,OCC]) or a stick table fetch"
                            : KEY_FETCHES)
                    + ")");
        }
        if (args.size() < arity[0] || args.size() > arity[1] || args.stream().anyMatch(String::isEmpty)) {
            throw new ConfigException("sample '" + text + "': " + name + " takes "
                    + (arity[1] == 0
                            ? "no argument"
                            : arity[0] == arity[1] ? "one argument" : "a name and an optional occurrence"));
        }
        if (args.size() == 2) {
            occurrence(text, args.get(1));
        }
        if (fetch.equals("var")) {
            VariablesView.checkName(args.get(0));
        }
        if (fetch.equals("uuid") && !args.isEmpty() && !args.get(0).equals("4")) {
            throw new ConfigException("sample '" + text + "': uuid version " + args.get(0) + " (expected: 4)");
        }
        return new SampleFetch(text, fetch, List.copyOf(args), null, List.copyOf(converters));
    }

    /** Splits {@code fetch(a,b),conv1,conv2(c)} into [[fetch, a, b], [conv1], [conv2, c]]. */
    private static List<List<String>> split(String text) {
        List<List<String>> parts = new ArrayList<>();
        int i = 0;
        while (i <= text.length()) {
            int open = text.indexOf('(', i);
            int comma = text.indexOf(',', i);
            List<String> part = new ArrayList<>();
            if (open >= 0 && (comma < 0 || open < comma)) {
                int close = text.indexOf(')', open);
                if (close < 0) {
                    throw new ConfigException("sample '" + text + "': '(' without ')'");
                }
                part.add(text.substring(i, open));
                String inside = text.substring(open + 1, close);
                if (!inside.isEmpty()) {
                    part.addAll(List.of(inside.split(",", -1)));
                }
                i = close + 1;
                if (i < text.length() && text.charAt(i) != ',') {
                    throw new ConfigException("sample '" + text + "': '" + text.charAt(i) + "' after ')'");
                }
            } else {
                int end = comma < 0 ? text.length() : comma;
                part.add(text.substring(i, end));
                i = end;
            }
            if (part.get(0).isEmpty()) {
                throw new ConfigException("sample '" + text + "': empty fetch or converter name");
            }
            parts.add(part);
            i++; // past the comma
        }
        return parts;
    }

    private static int occurrence(String text, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigException("sample '" + text + "': occurrence '" + value + "' (expected: an integer)");
        }
    }

    /** Whether the fetch is available when a connection is accepted ({@code tcp-request connection}). */
    boolean connectionLevel() {
        return CONNECTION_LEVEL.contains(fetch);
    }

    /**
     * Whether the fetch reads the request's head beyond its connection (headers, target): gone once the request is
     * forwarded, so HAProxy refuses it in a response rule.
     */
    boolean readsRequestContent() {
        return switch (fetch) {
            case "path",
                    "capture.req.uri",
                    "pathq",
                    "query",
                    "url",
                    "base",
                    "url_param",
                    "req.cook",
                    "req.hdr",
                    "req.fhdr",
                    "req.hdr_ip" -> true;
            default -> false;
        };
    }

    /** The request header the fetch reads (lower case; {@code cookie} for {@code req.cook}), or null. */
    @Nullable
    String header() {
        return switch (fetch) {
            case "req.hdr", "req.fhdr", "req.hdr_ip" -> args.get(0).toLowerCase(Locale.ROOT);
            case "req.cook" -> "cookie";
            case "base" -> "host";
            default -> null;
        };
    }

    /** The sample of {@code request}: a String, an InetAddress or a Number; null when there is none. */
    @Nullable
    Object fetch(RequestHead request) {
        return fetch(request, null);
    }

    /**
     * The sample of {@code request} and {@code response}: a String, an InetAddress or a Number; null when there is
     * none (a request fetch without a request, a response fetch without a response).
     */
    @Nullable
    Object fetch(@Nullable RequestHead request, @Nullable ResponseHead response) {
        Object sample = raw(request, response);
        for (SampleConverter converter : converters) {
            if (sample == null) {
                return null;
            }
            sample = converter.apply(sample);
        }
        return sample;
    }

    private @Nullable Object raw(@Nullable RequestHead request, @Nullable ResponseHead response) {
        if (stick != null) {
            return request == null ? null : stick.value(request);
        }
        if (fetch.equals("status") || fetch.equals("res.hdr")) {
            if (response == null) {
                return null;
            }
            return fetch.equals("status")
                    ? Integer.valueOf(response.status())
                    : occurrence(values(response.headers(args.get(0))), args);
        }
        if (request == null) {
            return null;
        }
        return switch (fetch) {
            case "src" -> request.clientAddress();
            case "src_port" -> request.clientPort();
            case "dst" -> request.localAddress();
            case "dst_port" -> request.localPort();
            case "path" -> request.path();
            case "pathq" -> {
                String query = request.query();
                yield query == null ? request.path() : request.path() + '?' + query;
            }
            case "query" -> request.query();
            case "url" -> request.uri();
            case "capture.req.uri" -> { // from the first slash: no scheme nor authority
                String uri = request.uri();
                int slash = uri.startsWith("/") ? 0 : uri.indexOf('/', uri.indexOf("://") + 3);
                yield slash < 0 ? uri : uri.substring(slash);
            }
            case "capture.req.method" -> request.method();
            case "method" -> request.method();
            case "req.ver" ->
                request.version().startsWith("HTTP/") ? request.version().substring(5) : null;
            case "base" -> {
                String host = request.header("Host");
                yield host == null ? null : host + request.path();
            }
            case "url_param" -> AclMatcher.urlParam(request.query(), args.get(0));
            case "req.cook" -> lastCookie(request, args.get(0));
            case "req.fhdr" -> occurrence(request.headers(args.get(0)), args);
            case "req.hdr" -> occurrence(values(request.headers(args.get(0))), args);
            case "req.hdr_ip" -> SampleConverter.address(occurrence(values(request.headers(args.get(0))), args));
            case "str" -> args.get(0);
            case "uuid" -> randomUuid();
            case "unique-id" -> request.uniqueId();
            case "var" -> VariablesView.get(request, args.get(0));
            default -> {
                Object value = TlsFetches.value(java.util.Objects.requireNonNull(tls, fetch), request);
                yield value == null ? null : value.toString(); // ssl_fc, ssl_c_verify: integers
            }
        };
    }

    /** A random (version 4) UUID, as HAProxy's {@code uuid()}: from a fast generator, not a secure one, as its. */
    private static String randomUuid() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & ~(0xC0L << 56)) | (0x80L << 56); // variant 10
        return new java.util.UUID(high, low).toString();
    }

    /** The TLS fetch named {@code keyword} ({@code ssl_fc_sni}...), or null. */
    private static @Nullable AclFetch tlsFetch(String keyword) {
        for (AclFetch fetch : AclFetch.values()) {
            if (fetch.keyword.equals(keyword) && TlsFetches.reads(fetch)) {
                return fetch;
            }
        }
        return null;
    }

    private static @Nullable String lastCookie(RequestHead request, String name) {
        String found = null;
        for (String header : request.headers("Cookie")) {
            for (String pair : header.split(";", -1)) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).strip().equals(name)) {
                    found = pair.substring(equals + 1).strip();
                }
            }
        }
        return found;
    }

    private static List<String> values(List<String> lines) {
        List<String> values = new ArrayList<>();
        for (String line : lines) {
            for (String value : line.split(",", -1)) {
                values.add(value.strip());
            }
        }
        return values;
    }

    private static @Nullable String occurrence(List<String> values, List<String> args) {
        int occ = args.size() > 1 ? Integer.parseInt(args.get(1)) : -1;
        int index = occ < 0 ? values.size() + occ : occ - 1;
        return occ == 0 || index < 0 || index >= values.size() ? null : values.get(index);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleFetch other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
