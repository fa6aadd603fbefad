package dev.fjord.lb.core;

/**
 * What an {@link Acl} fetches from the request or the response, with its HAProxy keyword, whether it takes an
 * argument ({@code hdr(name)}) and the match method it uses without {@code -m}.
 */
enum AclFetch {
    TRUE("always_true", false, Acl.Match.FOUND),
    FALSE("always_false", false, Acl.Match.FOUND),
    PATH("path", false, Acl.Match.STR),
    URL("url", false, Acl.Match.STR),
    URL_PARAM("url_param", true, Acl.Match.STR),
    HDR("hdr", true, Acl.Match.STR),
    HDR_CNT("hdr_cnt", true, Acl.Match.INT),
    METHOD("method", false, Acl.Match.STR),
    SRC("src", false, Acl.Match.IP),
    /** The address the client connected to (the proxy's own, or the PROXY header's destination). */
    DST("dst", false, Acl.Match.IP),
    DST_PORT("dst_port", false, Acl.Match.INT),
    REQ_COOK("req.cook", true, Acl.Match.STR),
    VERSION("req.ver", false, Acl.Match.STR),
    STATUS("status", false, Acl.Match.INT),
    RES_HDR("res.hdr", true, Acl.Match.STR),
    RES_HDR_CNT("res.hdr_cnt", true, Acl.Match.INT),
    RES_VER("res.ver", false, Acl.Match.STR),
    RES_COOK("res.cook", true, Acl.Match.STR),
    /** The held content: see {@link ContentFetches}. */
    REQ_LEN("req.len", false, Acl.Match.INT),
    PAYLOAD("req.payload", true, Acl.Match.BIN),
    SSL_HELLO_TYPE("req.ssl_hello_type", false, Acl.Match.INT),
    SSL_SNI("req.ssl_sni", false, Acl.Match.STR),
    SSL_VER("req.ssl_ver", false, Acl.Match.INT),
    /** The client connection's TLS handshake: see {@link TlsFetches}. */
    SSL_FC("ssl_fc", false, Acl.Match.BOOL),
    SSL_FC_SNI("ssl_fc_sni", false, Acl.Match.STR),
    SSL_FC_PROTOCOL("ssl_fc_protocol", false, Acl.Match.STR),
    SSL_FC_CIPHER("ssl_fc_cipher", false, Acl.Match.STR),
    SSL_FC_ALPN("ssl_fc_alpn", false, Acl.Match.STR),
    SSL_C_USED("ssl_c_used", false, Acl.Match.BOOL),
    SSL_C_VERIFY("ssl_c_verify", false, Acl.Match.INT),
    SSL_C_S_DN("ssl_c_s_dn", false, Acl.Match.STR),
    /** A variable of the request ({@code var(txn.name)}): see {@link VariablesView}. */
    VAR("var", true, Acl.Match.STR),
    /** The usable servers of the backend named in the argument: see {@link BackendsView}. */
    NBSRV("nbsrv", true, Acl.Match.INT),
    /** Whether the request's Basic credentials are right for the userlist named in the argument ({@link UserList}). */
    HTTP_AUTH("http_auth", true, Acl.Match.BOOL),
    /** The groups of the user whose right credentials the request carries, of the userlist named in the argument. */
    HTTP_AUTH_GROUP("http_auth_group", true, Acl.Match.STR),
    /** A stick table fetch ({@code sc_http_req_rate(0)}, {@code src_conn_cur}): the criterion is its argument. */
    STICK("", false, Acl.Match.INT);

    /** The fetches of the response: an ACL on them never matches in a request rule. */
    static final java.util.Set<AclFetch> RESPONSE =
            java.util.EnumSet.of(STATUS, RES_HDR, RES_HDR_CNT, RES_VER, RES_COOK);

    /**
     * The fetches of the request's contents, gone once the request is forwarded: as in HAProxy, an ACL on them
     * never matches in an {@code http-response} rule ({@code method}, {@code req.ver}, {@code src} and
     * {@code dst_port} stay).
     */
    static final java.util.Set<AclFetch> REQUEST_CONTENT =
            java.util.EnumSet.of(PATH, URL, URL_PARAM, HDR, HDR_CNT, REQ_COOK, HTTP_AUTH, HTTP_AUTH_GROUP);

    final String keyword;
    final boolean needsArgument;
    final Acl.Match defaultMatch;

    AclFetch(String keyword, boolean needsArgument, Acl.Match defaultMatch) {
        this.keyword = keyword;
        this.needsArgument = needsArgument;
        this.defaultMatch = defaultMatch;
    }
}
