package dev.fjord.lb.core;

/**
 * What a frontend does with a request header whose name, once {@code _} is read as {@code -}, is the name of a header
 * that frames or routes the request: {@code Content-Length}, {@code Transfer-Encoding}, {@code X-Forwarded-For} and
 * the other forwarding headers, a header the frontend's ACLs, rules, {@code balance hdr()} or {@code option
 * forwardfor} use, or another header of the same request. CGI, WSGI and similar servers map {@code _} to {@code -}
 * (both become {@code HTTP_CONTENT_LENGTH}), so such a header would reach them as the one the proxy checked or set,
 * with the client's value. nginx drops every header with {@code _} by default; HAProxy 2.6 forwards them.
 */
public enum UnderscoreHeaders {
    /** The header is removed before routing and counted in the access log. The default. */
    DROP,
    /** The request is refused with 400. */
    REJECT
}
