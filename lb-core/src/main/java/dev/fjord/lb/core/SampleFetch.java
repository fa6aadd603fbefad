package dev.fjord.lb.core;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.InetAddresses;

/**
 * A sample expression as HAProxy writes a table key ({@code track-sc0 KEY}, {@code stick on KEY}): a fetch with its
 * arguments, then converters separated by commas, e.g. {@code src}, {@code req.hdr(x-forwarded-for,-1)},
 * {@code req.hdr(host),lower}, {@code src,ipmask(24)}. Fetches: {@code src}, {@code dst_port}, {@code path},
 * {@code url}, {@code base}, {@code method}, {@code req.ver}, {@code hdr|req.hdr(NAME[,OCC])} (a comma-separated
 * value; the last one unless OCC says), {@code req.fhdr(NAME[,OCC])} (a whole line), {@code hdr_ip|req.hdr_ip(NAME
 * [,OCC])}, {@code url_param|urlp(NAME)}, {@code req.cook|cook(NAME)}, {@code ssl_fc_sni}, {@code str(TEXT)};
 * converters {@code lower}, {@code upper},
 * {@code ipmask(BITS4[,BITS6])}. Immutable and thread-safe.
 */
final class SampleFetch {
    /** Fetches available when a connection is accepted, before anything is read. */
    private static final Set<String> CONNECTION_LEVEL = Set.of("src", "dst_port");

    private final String text;
    private final String fetch;
    private final List<String> args;
    private final List<List<String>> converters;

    private SampleFetch(String text, String fetch, List<String> args, List<List<String>> converters) {
        this.text = text;
        this.fetch = fetch;
        this.args = args;
        this.converters = converters;
    }

    /**
     * Parses {@code text}.
     *
     * @throws ConfigException naming the fetch or converter that is wrong and what was expected
     */
    static SampleFetch parse(String text) {
        List<List<String>> parts = split(text);
        List<String> head = parts.get(0);
        String fetch = switch (head.get(0)) {
            case "hdr" -> "req.hdr";
            case "fhdr" -> "req.fhdr";
            case "hdr_ip" -> "req.hdr_ip";
            case "urlp" -> "url_param";
            case "cook" -> "req.cook";
            case "req_ver" -> "req.ver";
            default -> head.get(0);
        };
        List<String> args = head.subList(1, head.size());
        int[] arity = switch (fetch) {
            case "src", "dst_port", "path", "url", "base", "method", "req.ver", "ssl_fc_sni" -> new int[] {0, 0};
            case "str" -> new int[] {1, 1};
            case "req.hdr", "req.fhdr", "req.hdr_ip" -> new int[] {1, 2};
            case "url_param", "req.cook" -> new int[] {1, 1};
            default ->
                throw new ConfigException("sample '" + text + "': fetch '" + head.get(0) + "' is not supported yet "
                        + "(expected: src, dst_port, path, url, base, method, req.ver, hdr(NAME[,OCC]), "
                        + "req.fhdr(NAME[,OCC]), hdr_ip(NAME[,OCC]), url_param(NAME), req.cook(NAME), "
                        + "ssl_fc_sni or str(TEXT))");
        };
        if (args.size() < arity[0] || args.size() > arity[1] || args.stream().anyMatch(String::isEmpty)) {
            throw new ConfigException("sample '" + text + "': " + head.get(0) + " takes "
                    + (arity[1] == 0
                            ? "no argument"
                            : arity[0] == arity[1] ? "one argument" : "a name and " + "an optional occurrence"));
        }
        if (args.size() == 2) {
            occurrence(text, args.get(1));
        }
        List<List<String>> converters = parts.subList(1, parts.size());
        for (List<String> converter : converters) {
            checkConverter(text, converter);
        }
        return new SampleFetch(text, fetch, List.copyOf(args), List.copyOf(converters));
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

    private static void checkConverter(String text, List<String> converter) {
        switch (converter.get(0)) {
            case "lower", "upper" -> {
                if (converter.size() > 1) {
                    throw new ConfigException("sample '" + text + "': " + converter.get(0) + " takes no argument");
                }
            }
            case "ipmask" -> {
                if (converter.size() < 2 || converter.size() > 3) {
                    throw new ConfigException("sample '" + text + "': ipmask takes BITS4[,BITS6]");
                }
                mask(text, converter.get(1), 32);
                if (converter.size() == 3) {
                    mask(text, converter.get(2), 128);
                }
            }
            default ->
                throw new ConfigException("sample '" + text + "': converter '" + converter.get(0)
                        + "' is not supported yet (expected: lower, upper or ipmask(BITS4[,BITS6]))");
        }
    }

    private static int mask(String text, String bits, int max) {
        try {
            int n = Integer.parseInt(bits);
            if (n >= 0 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("sample '" + text + "': ipmask '" + bits + "' (expected: 0 to " + max + " bits)");
    }

    /** Whether the fetch is available when a connection is accepted ({@code tcp-request connection}). */
    boolean connectionLevel() {
        return CONNECTION_LEVEL.contains(fetch);
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

    /** The sample of {@code request}: a String, an InetAddress or an Integer; null when there is none. */
    @Nullable
    Object fetch(RequestHead request) {
        Object sample = raw(request);
        for (List<String> converter : converters) {
            if (sample == null) {
                return null;
            }
            sample = convert(converter, sample);
        }
        return sample;
    }

    private @Nullable Object raw(RequestHead request) {
        return switch (fetch) {
            case "src" -> request.clientAddress();
            case "dst_port" -> request.localPort();
            case "path" -> request.path();
            case "url" -> request.uri();
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
            case "req.hdr_ip" -> ip(occurrence(values(request.headers(args.get(0))), args));
            case "str" -> args.get(0);
            case "ssl_fc_sni" -> {
                ClientTls tls = request.tls();
                yield tls == null ? null : tls.sni();
            }
            default -> throw new AssertionError(fetch);
        };
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

    /** An address as RFC 7239 writes it, an IPv4 one optionally followed by {@code :port}. */
    private static @Nullable InetAddress ip(@Nullable String value) {
        if (value == null) {
            return null;
        }
        String text = value;
        int colon = text.indexOf(':');
        if (colon > 0 && text.indexOf(':', colon + 1) < 0 && text.indexOf('.') > 0) {
            text = text.substring(0, colon); // 192.0.2.1:8080
        }
        return InetAddresses.isLiteral(text) ? InetAddresses.parseLiteral(text) : null;
    }

    private @Nullable Object convert(List<String> converter, Object sample) {
        return switch (converter.get(0)) {
            case "lower" -> sample.toString().toLowerCase(Locale.ROOT);
            case "upper" -> sample.toString().toUpperCase(Locale.ROOT);
            default -> {
                InetAddress address = sample instanceof InetAddress a ? a : ip(sample.toString());
                if (address == null) {
                    yield null;
                }
                byte[] bytes = address.getAddress();
                int bits = bytes.length == 4
                        ? mask(text, converter.get(1), 32)
                        : converter.size() > 2 ? mask(text, converter.get(2), 128) : 128;
                for (int i = 0; i < bytes.length; i++) {
                    int keep = Math.max(0, Math.min(8, bits - 8 * i));
                    bytes[i] &= (byte) (0xff00 >>> keep);
                }
                try {
                    yield InetAddress.getByAddress(bytes);
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
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
