package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.Words;

/**
 * An HAProxy ACL: a sample fetched from the request (path, header, source address, ...) and patterns it is matched
 * against; the ACL matches when any pattern matches any fetched value. Immutable and thread-safe; two ACLs with the
 * same fetch, match method, flags and patterns are equal.
 *
 * <pre>{@code
 * Acl.pathBeg("/static", "/images").ignoreCase()      // acl url_static path_beg -i /static /images
 * Acl.src("10.0.0.0/8", "2001:db8::/32")               // acl internal src 10.0.0.0/8 2001:db8::/32
 * Acl.parse("hdr_end(host) -i .example.com")          // HAProxy syntax
 * }</pre>
 *
 * <p>Fetches: {@code path}, {@code url}, {@code url_param(name)} (alias {@code urlp}), {@code hdr(name)} (each
 * comma-separated value), {@code hdr_cnt(name)}, {@code hdr_val(name)}, {@code method}, {@code src},
 * {@code dst_port}, {@code req.cook(name)} (alias {@code cook}), {@code req.ver}, and those of the bytes held by
 * {@code tcp-request inspect-delay} ({@link RequestHead#content()}): {@code req.len}, {@code req.payload(off,len)},
 * {@code req.ssl_hello_type}, {@code req.ssl_sni}, {@code req.ssl_ver} (patterns as versions, {@code 3.1:3.3}); in
 * {@code http-response} rules {@code status}, {@code res.hdr(name)} (alias {@code shdr}), {@code res.hdr_cnt},
 * {@code res.hdr_val}, {@code res.ver}, {@code res.cook(name)} (alias {@code scook}); the stick table fetches
 * ({@code sc_http_req_rate(0)}, {@code sc0_conn_cur}, {@code src_http_err_rate}, {@code table_cnt}, ...: see the
 * README's list); those of the client connection's TLS handshake: {@code ssl_fc}, {@code ssl_fc_sni},
 * {@code ssl_fc_protocol}, {@code ssl_fc_cipher}, {@code ssl_fc_alpn}, {@code ssl_c_used}, {@code ssl_c_verify},
 * {@code ssl_c_s_dn};
 * the string fetches take the suffixes {@code _beg}, {@code _end}, {@code _sub}, {@code _dir}, {@code _reg}, or
 * {@code -m str|beg|end|sub|dir|reg|found|int|ip|bin|bool} ({@code bin}: hexadecimal patterns). Integer patterns are
 * {@code N}, ranges {@code A:B}, {@code :B}, {@code A:}, or one of {@code eq|ge|gt|le|lt N}. Predefined ACLs
 * ({@code TRUE}, {@code LOCALHOST}, {@code METH_GET}, ...) are {@linkplain #predefined(String) available by name} in
 * conditions.
 */
public final class Acl {
    private final AclFetch fetch;
    private final @Nullable String argument;
    private final Match match;
    private final boolean ignoreCase;
    private final List<String> patterns;
    /** The stick table fetch, parsed from the argument, when the fetch is one. */
    private final @Nullable StickFetch stick;

    private final AclMatcher matcher;

    Acl(AclFetch fetch, @Nullable String argument, Match match, boolean ignoreCase, List<String> patterns) {
        this.fetch = fetch;
        this.argument = argument;
        this.match = match;
        this.ignoreCase = ignoreCase;
        this.patterns = List.copyOf(patterns);
        this.stick =
                fetch == AclFetch.STICK ? StickFetch.parse(java.util.Objects.requireNonNull(argument, "fetch")) : null;
        if (fetch.needsArgument && (argument == null || argument.isEmpty())) {
            throw new ConfigException(fetch.keyword + ": missing argument (expected: " + fetch.keyword + "(name))");
        }
        if (patterns.isEmpty()
                && match != Match.FOUND
                && match != Match.BOOL
                && fetch != AclFetch.TRUE
                && fetch != AclFetch.FALSE) {
            throw new ConfigException(displayName() + ": no pattern (expected: at least one pattern, or -m found)");
        }
        this.matcher = AclMatcher.compile(this);
    }

    /** The matches HAProxy writes as a suffix of a string fetch ({@code path_beg}, {@code hdr_reg}). */
    private static final java.util.Set<Match> SUFFIXES =
            java.util.EnumSet.of(Match.BEG, Match.END, Match.SUB, Match.DIR, Match.DOM, Match.REG);

    /** How fetched values are compared with the patterns ({@code -m}). */
    enum Match {
        STR,
        BEG,
        END,
        SUB,
        DIR,
        /** A part of the value delimited by {@code .}, {@code /}, {@code ?}, {@code :} or its ends: a domain. */
        DOM,
        REG,
        INT,
        IP,
        BIN,
        FOUND,
        /** The value is a boolean: matches when it is true (not 0). */
        BOOL;

        final String keyword = name().toLowerCase(Locale.ROOT);
    }

    /** {@code path PATTERN...}: the path equals a pattern. */
    public static Acl path(String... patterns) {
        return of(AclFetch.PATH, null, Match.STR, patterns);
    }

    /** {@code path_beg PATTERN...}: the path starts with a pattern. */
    public static Acl pathBeg(String... prefixes) {
        return of(AclFetch.PATH, null, Match.BEG, prefixes);
    }

    /** {@code path_end PATTERN...}: the path ends with a pattern. */
    public static Acl pathEnd(String... suffixes) {
        return of(AclFetch.PATH, null, Match.END, suffixes);
    }

    /** {@code path_sub PATTERN...}: the path contains a pattern. */
    public static Acl pathSub(String... parts) {
        return of(AclFetch.PATH, null, Match.SUB, parts);
    }

    /** {@code path_dir PATTERN...}: a pattern is a run of whole {@code /}-delimited path segments. */
    public static Acl pathDir(String... segments) {
        return of(AclFetch.PATH, null, Match.DIR, segments);
    }

    /** {@code path_reg REGEX...}: a regular expression finds a match in the path. */
    public static Acl pathReg(String... regexes) {
        return of(AclFetch.PATH, null, Match.REG, regexes);
    }

    /** {@code url_param(NAME) VALUE...}: the first query parameter {@code name} equals a value. */
    public static Acl urlParam(String name, String... values) {
        return of(AclFetch.URL_PARAM, name, Match.STR, values);
    }

    /** {@code hdr(NAME) VALUE...}: a comma-separated value of header {@code name} equals a value. */
    public static Acl hdr(String name, String... values) {
        return of(AclFetch.HDR, name, Match.STR, values);
    }

    /** {@code hdr_beg(NAME) PREFIX...}. */
    public static Acl hdrBeg(String name, String... prefixes) {
        return of(AclFetch.HDR, name, Match.BEG, prefixes);
    }

    /** {@code hdr_end(NAME) SUFFIX...}. */
    public static Acl hdrEnd(String name, String... suffixes) {
        return of(AclFetch.HDR, name, Match.END, suffixes);
    }

    /** {@code hdr_sub(NAME) PART...}. */
    public static Acl hdrSub(String name, String... parts) {
        return of(AclFetch.HDR, name, Match.SUB, parts);
    }

    /** {@code hdr_reg(NAME) REGEX...}. */
    public static Acl hdrReg(String name, String... regexes) {
        return of(AclFetch.HDR, name, Match.REG, regexes);
    }

    /** {@code hdr(NAME) -m found}: the request has header {@code name}. */
    public static Acl hdrFound(String name) {
        return of(AclFetch.HDR, name, Match.FOUND);
    }

    /**
     * {@code hdr_cnt(NAME) RANGE...}: the number of values of header {@code name}, e.g. {@code "gt 1"}, {@code "0"}.
     */
    public static Acl hdrCnt(String name, String... ranges) {
        return of(AclFetch.HDR_CNT, name, Match.INT, ranges);
    }

    /** {@code method METHOD...}: the request method is one of {@code methods} (case-sensitive unless -i). */
    public static Acl method(String... methods) {
        return of(AclFetch.METHOD, null, Match.STR, methods);
    }

    /** {@code src NETWORK...}: the client address is in one of the IPv4 or IPv6 networks or is one of the addresses. */
    public static Acl src(String... networks) {
        return of(AclFetch.SRC, null, Match.IP, networks);
    }

    /** {@code dst_port RANGE...}: the local port the request arrived on, e.g. {@code "80"}, {@code "8000:8099"}. */
    public static Acl dstPort(String... ranges) {
        return of(AclFetch.DST_PORT, null, Match.INT, ranges);
    }

    /** {@code req.cook(NAME) VALUE...}: the request cookie {@code name} equals a value. */
    public static Acl reqCook(String name, String... values) {
        return of(AclFetch.REQ_COOK, name, Match.STR, values);
    }

    /** {@code ssl_fc}: the request came over TLS terminated by the proxy ({@code !{ ssl_fc }} for plain ones). */
    public static Acl sslFc() {
        return of(AclFetch.SSL_FC, null, Match.BOOL);
    }

    /** {@code req.ssl_sni NAME...}: the ClientHello held asks for one of {@code names} (case-sensitive unless -i). */
    public static Acl sslSni(String... names) {
        return of(AclFetch.SSL_SNI, null, Match.STR, names);
    }

    /** {@code req.ssl_hello_type TYPE}: the first TLS handshake message held is of {@code type} (1: ClientHello). */
    public static Acl sslHelloType(int type) {
        return of(AclFetch.SSL_HELLO_TYPE, null, Match.INT, Integer.toString(type));
    }

    /** {@code req.len RANGE...}: the number of bytes held, e.g. {@code "gt 0"}. */
    public static Acl reqLen(String... ranges) {
        return of(AclFetch.REQ_LEN, null, Match.INT, ranges);
    }

    /** {@code req.cook(NAME) -m found}: the request has cookie {@code name}. */
    public static Acl reqCookFound(String name) {
        return of(AclFetch.REQ_COOK, name, Match.FOUND);
    }

    private static Acl of(AclFetch fetch, @Nullable String argument, Match match, String... patterns) {
        if (fetch.needsArgument) {
            Objects.requireNonNull(argument, "name");
        }
        return new Acl(fetch, argument, match, false, Arrays.asList(patterns.clone()));
    }

    /** The same ACL matching strings case-insensitively ({@code -i}). */
    public Acl ignoreCase() {
        return new Acl(fetch, argument, match, true, patterns);
    }

    /**
     * Parses an ACL as written after its name in HAProxy, e.g. {@code "path_beg -i /static /images"}.
     *
     * @throws ConfigException naming the criterion, flag or pattern that is wrong and what was expected
     */
    public static Acl parse(String criterion) {
        Objects.requireNonNull(criterion, "criterion");
        List<String> words;
        try {
            words = Words.split(criterion);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(String.valueOf(e.getMessage()));
        }
        return parse(words);
    }

    /** Parses an ACL already split into words: the criterion, flags, then patterns. */
    public static Acl parse(List<String> words) {
        return AclParser.parse(words);
    }

    /**
     * A predefined ACL of HAProxy by name, or null: {@code TRUE}, {@code FALSE}, {@code LOCALHOST}, {@code HTTP_1.0},
     * {@code HTTP_1.1}, {@code HTTP_2.0}, {@code HTTP_URL_ABS}, {@code HTTP_URL_SLASH}, {@code HTTP_URL_STAR},
     * {@code HTTP_CONTENT}, {@code METH_CONNECT}, {@code METH_DELETE}, {@code METH_GET} (GET and HEAD),
     * {@code METH_HEAD}, {@code METH_OPTIONS}, {@code METH_POST}, {@code METH_PUT}, {@code METH_TRACE}.
     */
    public static @Nullable Acl predefined(String name) {
        return AclParser.predefined(name);
    }

    /** Whether this ACL matches {@code request}; an ACL on the response's fetches ({@code status}...) never does. */
    public boolean test(RequestHead request) {
        return matcher.test(request, null);
    }

    /**
     * Whether this ACL matches {@code response} to {@code request}, as in an {@code http-response} rule: an ACL on the
     * request's path, URL, headers or cookies never does, as in HAProxy.
     */
    public boolean test(RequestHead request, ResponseHead response) {
        return matcher.test(request, java.util.Objects.requireNonNull(response, "response"));
    }

    /**
     * Whether this ACL can match in an {@code http-response} rule: false for the request's path, URL, headers and
     * cookies, which HAProxy no longer has when the response comes (it warns at start that the ACL will never match).
     */
    public boolean canMatchResponses() {
        return !AclFetch.REQUEST_CONTENT.contains(fetch);
    }

    /**
     * This ACL on {@code request} when its content may still grow: {@link AclResult#MISS} when a content fetch lacks
     * bytes that may still arrive ({@link RequestContent#complete()} false).
     */
    AclResult evaluate(RequestHead request) {
        return matcher.evaluate(request);
    }

    AclFetch fetch() {
        return fetch;
    }

    @Nullable
    String argument() {
        return argument;
    }

    Match match() {
        return match;
    }

    boolean isIgnoreCase() {
        return ignoreCase;
    }

    List<String> patterns() {
        return patterns;
    }

    /** The stick table fetch, when the fetch is one. */
    @Nullable
    StickFetch stick() {
        return stick;
    }

    /** How values match when the ACL says no {@code -m}. */
    Match defaultMatch() {
        return stick != null ? stick.defaultMatch() : fetch.defaultMatch;
    }

    /** The criterion as HAProxy writes it, e.g. {@code hdr(host)}. */
    String criterion() {
        if (fetch == AclFetch.STICK) {
            return String.valueOf(argument);
        }
        return argument == null ? fetch.keyword : fetch.keyword + '(' + argument + ')';
    }

    /** The criterion as HAProxy's short form names it in messages, e.g. {@code path_beg} or {@code hdr_reg(host)}. */
    String displayName() {
        if (fetch == AclFetch.STICK) {
            return String.valueOf(argument);
        }
        boolean suffixed = fetch.defaultMatch == Match.STR && SUFFIXES.contains(match);
        String keyword = suffixed ? fetch.keyword + '_' + match.keyword : fetch.keyword;
        return argument == null ? keyword : keyword + '(' + argument + ')';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Acl other
                && fetch == other.fetch
                && Objects.equals(argument, other.argument)
                && match == other.match
                && ignoreCase == other.ignoreCase
                && patterns.equals(other.patterns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fetch, argument, match, ignoreCase, patterns);
    }

    /** The ACL in HAProxy syntax, e.g. {@code path -m beg -i /static /images}. */
    @Override
    public String toString() {
        List<String> words = new ArrayList<>();
        words.add(criterion());
        if (match != defaultMatch()) {
            words.add("-m");
            words.add(match.keyword);
        }
        if (ignoreCase) {
            words.add("-i");
        }
        if (patterns.stream().anyMatch(p -> p.startsWith("-"))) {
            words.add("--");
        }
        patterns.forEach(p -> words.add(Words.quote(p)));
        return String.join(" ", words);
    }
}
