package dev.fjord.lb.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Acl.Match;

/** Parses HAProxy ACL criteria ({@code path_beg -i /a /b}) and knows the predefined ACLs. */
final class AclParser {
    /** Criterion keywords without their {@code _beg}-style suffixes, and the fetch each stands for. */
    private static final Map<String, AclFetch> FETCHES = new LinkedHashMap<>();

    private static final Map<String, Match> SUFFIXES = Map.of(
            "beg", Match.BEG, "end", Match.END, "sub", Match.SUB, "dir", Match.DIR, "dom", Match.DOM, "reg", Match.REG);
    private static final Map<String, Acl> PREDEFINED = new LinkedHashMap<>();

    static {
        FETCHES.put("path", AclFetch.PATH);
        FETCHES.put("url", AclFetch.URL);
        FETCHES.put("url_param", AclFetch.URL_PARAM);
        FETCHES.put("urlp", AclFetch.URL_PARAM);
        FETCHES.put("hdr", AclFetch.HDR);
        FETCHES.put("req.hdr", AclFetch.HDR);
        FETCHES.put("hdr_cnt", AclFetch.HDR_CNT);
        FETCHES.put("req.hdr_cnt", AclFetch.HDR_CNT);
        FETCHES.put("method", AclFetch.METHOD);
        FETCHES.put("src", AclFetch.SRC);
        FETCHES.put("dst", AclFetch.DST);
        FETCHES.put("dst_port", AclFetch.DST_PORT);
        FETCHES.put("req.cook", AclFetch.REQ_COOK);
        FETCHES.put("cook", AclFetch.REQ_COOK);
        FETCHES.put("req.ver", AclFetch.VERSION);
        FETCHES.put("req_ver", AclFetch.VERSION);
        FETCHES.put("status", AclFetch.STATUS);
        FETCHES.put("res.hdr", AclFetch.RES_HDR);
        FETCHES.put("shdr", AclFetch.RES_HDR);
        FETCHES.put("res.hdr_cnt", AclFetch.RES_HDR_CNT);
        FETCHES.put("shdr_cnt", AclFetch.RES_HDR_CNT);
        FETCHES.put("res.ver", AclFetch.RES_VER);
        FETCHES.put("resp_ver", AclFetch.RES_VER);
        FETCHES.put("res.cook", AclFetch.RES_COOK);
        FETCHES.put("scook", AclFetch.RES_COOK);
        FETCHES.put("req.len", AclFetch.REQ_LEN);
        FETCHES.put("req_len", AclFetch.REQ_LEN);
        FETCHES.put("req.payload", AclFetch.PAYLOAD);
        FETCHES.put("payload", AclFetch.PAYLOAD);
        FETCHES.put("req.ssl_hello_type", AclFetch.SSL_HELLO_TYPE);
        FETCHES.put("req_ssl_hello_type", AclFetch.SSL_HELLO_TYPE);
        FETCHES.put("req.ssl_sni", AclFetch.SSL_SNI);
        FETCHES.put("req_ssl_sni", AclFetch.SSL_SNI);
        FETCHES.put("req.ssl_ver", AclFetch.SSL_VER);
        FETCHES.put("req_ssl_ver", AclFetch.SSL_VER);
        FETCHES.put("ssl_fc", AclFetch.SSL_FC);
        FETCHES.put("ssl_fc_sni", AclFetch.SSL_FC_SNI);
        FETCHES.put("ssl_fc_protocol", AclFetch.SSL_FC_PROTOCOL);
        FETCHES.put("ssl_fc_cipher", AclFetch.SSL_FC_CIPHER);
        FETCHES.put("ssl_fc_alpn", AclFetch.SSL_FC_ALPN);
        FETCHES.put("ssl_c_used", AclFetch.SSL_C_USED);
        FETCHES.put("ssl_c_verify", AclFetch.SSL_C_VERIFY);
        FETCHES.put("ssl_c_s_dn", AclFetch.SSL_C_S_DN);
        FETCHES.put("nbsrv", AclFetch.NBSRV);
        FETCHES.put("http_auth", AclFetch.HTTP_AUTH);
        FETCHES.put("http_auth_group", AclFetch.HTTP_AUTH_GROUP);
        FETCHES.put("var", AclFetch.VAR);

        PREDEFINED.put("TRUE", new Acl(AclFetch.TRUE, null, Match.FOUND, false, List.of()));
        PREDEFINED.put("FALSE", new Acl(AclFetch.FALSE, null, Match.FOUND, false, List.of()));
        PREDEFINED.put("LOCALHOST", Acl.src("127.0.0.1/8", "::1"));
        PREDEFINED.put("HTTP_1.0", new Acl(AclFetch.VERSION, null, Match.STR, false, List.of("1.0")));
        PREDEFINED.put("HTTP_1.1", new Acl(AclFetch.VERSION, null, Match.STR, false, List.of("1.1")));
        PREDEFINED.put("HTTP_2.0", new Acl(AclFetch.VERSION, null, Match.STR, false, List.of("2.0")));
        PREDEFINED.put("HTTP_URL_ABS", new Acl(AclFetch.URL, null, Match.REG, false, List.of("^[^/:]*://")));
        PREDEFINED.put("HTTP_URL_SLASH", new Acl(AclFetch.URL, null, Match.BEG, false, List.of("/")));
        PREDEFINED.put("HTTP_URL_STAR", new Acl(AclFetch.URL, null, Match.STR, false, List.of("*")));
        PREDEFINED.put("HTTP_CONTENT", new Acl(AclFetch.HDR, "content-length", Match.INT, false, List.of("gt 0")));
        PREDEFINED.put("METH_CONNECT", Acl.method("CONNECT"));
        PREDEFINED.put("METH_DELETE", Acl.method("DELETE"));
        PREDEFINED.put("METH_GET", Acl.method("GET", "HEAD"));
        PREDEFINED.put("METH_HEAD", Acl.method("HEAD"));
        PREDEFINED.put("METH_OPTIONS", Acl.method("OPTIONS"));
        PREDEFINED.put("METH_POST", Acl.method("POST"));
        PREDEFINED.put("METH_PUT", Acl.method("PUT"));
        PREDEFINED.put("METH_TRACE", Acl.method("TRACE"));
    }

    private AclParser() {}

    static @Nullable Acl predefined(String name) {
        return PREDEFINED.get(name);
    }

    static Acl parse(List<String> words) {
        if (words.isEmpty()) {
            throw new ConfigException("missing criterion (expected: e.g. path_beg /static)");
        }
        String criterion = words.get(0);
        String argument = null;
        String keyword = criterion;
        int open = criterion.indexOf('(');
        if (StickFetch.isStickFetch(open < 0 ? criterion : criterion.substring(0, open))) {
            StickFetch stick = StickFetch.parse(criterion);
            return withFlags(words, criterion, AclFetch.STICK, criterion, stick.defaultMatch());
        }
        if (open >= 0) {
            if (!criterion.endsWith(")")) {
                throw new ConfigException("criterion '" + criterion + "' (expected: a closing ')')");
            }
            keyword = criterion.substring(0, open);
            argument = criterion.substring(open + 1, criterion.length() - 1);
            int comma = argument.indexOf(',');
            if (comma >= 0 && FETCHES.get(keyword) != AclFetch.PAYLOAD) {
                argument = argument.substring(0, comma); // hdr(name,occurrence): the occurrence is not supported
            }
        }
        AclFetch fetch = FETCHES.get(keyword);
        Match match = null;
        if (fetch == null) {
            int underscore = keyword.lastIndexOf('_');
            if (underscore > 0) {
                fetch = FETCHES.get(keyword.substring(0, underscore));
                match = SUFFIXES.get(keyword.substring(underscore + 1));
                if ("hdr_val".equals(keyword) || "req.hdr_val".equals(keyword)) {
                    fetch = AclFetch.HDR;
                    match = Match.INT;
                } else if ("res.hdr_val".equals(keyword) || "shdr_val".equals(keyword)) {
                    fetch = AclFetch.RES_HDR;
                    match = Match.INT;
                }
            }
            if (fetch == null || match == null || !isString(fetch) || fetch == AclFetch.SSL_SNI) {
                throw new ConfigException("criterion '" + criterion + "' (expected: one of " + FETCHES.keySet()
                        + ", with _beg/_end/_sub/_dir/_dom/_reg for path, url, url_param, hdr, req.cook, res.hdr and "
                        + "res.cook, or hdr_val and res.hdr_val)");
            }
        }
        if (fetch.needsArgument && argument == null) {
            throw new ConfigException("criterion '" + criterion + "' (expected: " + keyword + "(name))");
        }
        if (!fetch.needsArgument && argument != null) {
            throw new ConfigException("criterion '" + criterion + "' (expected: " + keyword + " without argument)");
        }
        return withFlags(words, criterion, fetch, argument, match == null ? fetch.defaultMatch : match);
    }

    /** The ACL of {@code fetch}, reading the flags and patterns after the criterion. */
    private static Acl withFlags(
            List<String> words, String criterion, AclFetch fetch, @Nullable String argument, Match defaultMatch) {
        Match match = defaultMatch;
        boolean ignoreCase = false;
        List<String> fromFiles = new ArrayList<>();
        int i = 1;
        for (; i < words.size() && words.get(i).startsWith("-"); i++) {
            String flag = words.get(i);
            if (flag.equals("--")) {
                i++;
                break;
            } else if (flag.equals("-i")) {
                ignoreCase = true;
            } else if (flag.equals("-m")) {
                if (++i == words.size()) {
                    throw new ConfigException(criterion + ": -m needs a match method (expected: " + methods() + ")");
                }
                match = method(criterion, words.get(i));
            } else if (flag.equals("-f")) {
                if (++i == words.size()) {
                    throw new ConfigException(criterion + ": -f needs a file of patterns (expected: -f FILE)");
                }
                fromFiles.addAll(patternFile(criterion, words.get(i)));
            } else if (flag.matches("-\\d+")) {
                break; // a negative integer pattern
            } else {
                throw new ConfigException(criterion + ": flag '" + flag + "' (expected: -i, -f FILE, -m METHOD or --)");
            }
        }
        List<String> patterns = new ArrayList<>(fromFiles);
        patterns.addAll(words.subList(i, words.size()));
        return new Acl(fetch, argument, match, ignoreCase, patterns);
    }

    /**
     * The patterns of {@code -f FILE}, as HAProxy reads them: one a line, leading and trailing blanks stripped, empty
     * lines and those starting with {@code #} skipped. Read once, when the ACL is parsed (a reload reads it again).
     */
    private static List<String> patternFile(String criterion, String file) {
        List<String> lines;
        try {
            lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(file), StandardCharsets.UTF_8);
        } catch (java.io.IOException | java.io.UncheckedIOException | java.nio.file.InvalidPathException e) {
            throw new ConfigException(criterion + ": -f '" + file + "': cannot read it ("
                    + e.getClass().getSimpleName() + "; expected: a readable file of patterns, one a line)");
        }
        List<String> patterns = new ArrayList<>();
        for (String line : lines) {
            String pattern = line.strip();
            if (!pattern.isEmpty() && !pattern.startsWith("#")) {
                patterns.add(pattern);
            }
        }
        return patterns;
    }

    private static boolean isString(AclFetch fetch) {
        return fetch.defaultMatch == Match.STR;
    }

    private static Match method(String criterion, String name) {
        for (Match match : Match.values()) {
            if (match.keyword.equals(name)) {
                return match;
            }
        }
        throw new ConfigException(criterion + ": match method '" + name + "' (expected: " + methods() + ")");
    }

    private static String methods() {
        List<String> names = new ArrayList<>();
        for (Match match : Match.values()) {
            names.add(match.keyword);
        }
        return String.join(", ", names);
    }
}
