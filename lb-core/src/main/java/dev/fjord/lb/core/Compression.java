package dev.fjord.lb.core;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * HTTP compression of responses ({@code compression algo|type|offload}), decided as HAProxy 2.6 decides it: on the
 * request, the algorithm the client accepts with the highest {@code q} (the configured order breaks ties), none for
 * an HTTP/1.0 request or a {@code Mozilla/4} user agent other than MSIE 6 SP2 and later; on the response, only a 200,
 * 201, 202 or 203 with a body, of HTTP/1.1 or later, not already encoded, without {@code Cache-Control: no-transform}
 * or several {@code ETag}s, whose {@code Content-Type} is not {@code multipart} and starts with one of the
 * {@code types} when there are some. Immutable.
 *
 * @param algorithms {@code compression algo}, in order; empty: this section compresses nothing
 * @param types {@code compression type}, content-type prefixes (case-insensitive); empty: every type
 * @param offload {@code compression offload}: requests reach the server without {@code Accept-Encoding} when the
 *     response will be compressed, so the server does not compress it itself
 */
public record Compression(List<CompressionAlgorithm> algorithms, List<String> types, boolean offload) {
    /** No compression. */
    public static final Compression NONE = new Compression(List.of(), List.of(), false);

    public Compression {
        algorithms = List.copyOf(algorithms);
        types = types.stream().map(type -> type.toLowerCase(Locale.ROOT)).toList();
    }

    /**
     * What applies to a request through {@code frontend} to {@code backend}, as HAProxy combines them: the frontend's
     * algorithms if it has some, else the backend's; the backend's types if it has some, else the frontend's;
     * offload if either says so.
     */
    public static Compression of(Settings frontend, Settings backend) {
        Compression fe = frontend.compression();
        Compression be = backend.compression();
        if (fe.algorithms.isEmpty() && be.algorithms.isEmpty()) {
            return NONE;
        }
        return new Compression(
                fe.algorithms.isEmpty() ? be.algorithms : fe.algorithms,
                be.types.isEmpty() ? fe.types : be.types,
                fe.offload || be.offload);
    }

    /** These settings with {@code algorithm} added. */
    public Compression withAlgorithm(CompressionAlgorithm algorithm) {
        List<CompressionAlgorithm> more = new java.util.ArrayList<>(algorithms);
        more.add(Objects.requireNonNull(algorithm, "algorithm"));
        return new Compression(more, types, offload);
    }

    /** These settings with content-type prefix {@code type} added. */
    public Compression withType(String type) {
        List<String> more = new java.util.ArrayList<>(types);
        more.add(Objects.requireNonNull(type, "type"));
        return new Compression(algorithms, more, offload);
    }

    /** These settings with {@code compression offload}. */
    public Compression withOffload() {
        return new Compression(algorithms, types, true);
    }

    /**
     * The algorithm to compress {@code request}'s response with, if the response allows it ({@link #compresses});
     * null when the client accepts none of the algorithms, or {@link CompressionAlgorithm#IDENTITY} is preferred.
     */
    public @Nullable CompressionAlgorithm choose(RequestHead request) {
        String version = request.version();
        if (algorithms.isEmpty() || (!version.equals("HTTP/1.1") && !version.startsWith("HTTP/2"))) {
            return null;
        }
        String agent = request.header("User-Agent");
        if (agent != null && brokenMozilla4(agent)) {
            return null;
        }
        CompressionAlgorithm best = null;
        double bestQ = 0;
        for (CompressionAlgorithm algorithm : algorithms) {
            double q = AcceptEncoding.quality(request.headers("Accept-Encoding"), algorithm.coding());
            if (q > bestQ) {
                best = algorithm;
                bestQ = q;
            }
        }
        return best == CompressionAlgorithm.IDENTITY ? null : best;
    }

    /** HAProxy's exception: {@code Mozilla/4} user agents but MSIE 6 with XP SP2 ({@code SV1}) and MSIE 7 on. */
    private static boolean brokenMozilla4(String agent) {
        if (!agent.startsWith("Mozilla/4")) {
            return false;
        }
        if (agent.length() < 31 || !agent.startsWith("MSIE ", 25) || agent.charAt(30) < '6') {
            return true;
        }
        return agent.charAt(30) == '6' && (agent.length() < 54 || !agent.startsWith("SV1", 51));
    }

    /**
     * Whether a response may be compressed: {@code response} with a body ({@code bodyless} false, no
     * {@code Content-Length: 0}), its status 200 to
     * 203, version HTTP/1.1 or later, no {@code Content-Encoding}, no {@code no-transform}, at most one {@code ETag},
     * a {@code Content-Type} that is not multipart and matches {@link #types} when there are some.
     */
    public boolean compresses(ResponseHead response, boolean bodyless) {
        int status = response.status();
        String length = response.header("Content-Length");
        if (bodyless
                || status < 200
                || status > 203
                || response.version().equals("HTTP/1.0")
                || (length != null && length.trim().equals("0"))) { // an empty body stays as it is, as in HAProxy
            return false;
        }
        if (!response.headers("Content-Encoding").isEmpty()
                || response.headers("ETag").size() > 1) {
            return false;
        }
        for (String cacheControl : response.headers("Cache-Control")) {
            if (cacheControl.toLowerCase(Locale.ROOT).contains("no-transform")) {
                return false;
            }
        }
        String type = response.header("Content-Type");
        if (type == null) {
            return types.isEmpty();
        }
        String lower = type.trim().toLowerCase(Locale.ROOT);
        if (lower.startsWith("multipart")) {
            return false;
        }
        return types.isEmpty() || types.stream().anyMatch(lower::startsWith);
    }
}
