package dev.fjord.lb.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** An {@link Acl} compiled for matching: patterns parsed once, no allocation for path and method matches. */
abstract class AclMatcher {

    /** Whether the ACL matches; {@code response} null in a rule on requests. */
    abstract boolean test(RequestHead request, @Nullable ResponseHead response);

    /** {@link #test} as a result that may be {@link AclResult#MISS}: only content fetches can miss. */
    AclResult evaluate(RequestHead request) {
        return AclResult.of(test(request, null));
    }

    static AclMatcher compile(Acl acl) {
        AclFetch fetch = acl.fetch();
        if (fetch == AclFetch.TRUE || fetch == AclFetch.FALSE) {
            boolean result = fetch == AclFetch.TRUE;
            return new AclMatcher() {
                @Override
                boolean test(RequestHead request, @Nullable ResponseHead response) {
                    return result;
                }
            };
        }
        ValueTest test = ValueTest.of(acl);
        StickFetch stick = acl.stick();
        if (stick != null) {
            return new AclMatcher() {
                @Override
                boolean test(RequestHead request, @Nullable ResponseHead response) {
                    return test.test(stick.value(request));
                }
            };
        }
        if (fetch == AclFetch.VAR) {
            String name = VariablesView.checkName(java.util.Objects.requireNonNull(acl.argument(), "argument"));
            return new AclMatcher() {
                @Override
                boolean test(RequestHead request, @Nullable ResponseHead response) {
                    return test.test(VariablesView.get(request, name));
                }
            };
        }
        if (fetch == AclFetch.NBSRV) {
            String backend = java.util.Objects.requireNonNull(acl.argument(), "argument");
            return new AclMatcher() {
                @Override
                boolean test(RequestHead request, @Nullable ResponseHead response) {
                    return test.test(BackendsView.usableServers(request, backend));
                }
            };
        }
        if (fetch == AclFetch.HTTP_AUTH || fetch == AclFetch.HTTP_AUTH_GROUP) {
            String list = java.util.Objects.requireNonNull(acl.argument(), "argument");
            boolean groups = fetch == AclFetch.HTTP_AUTH_GROUP;
            return new AclMatcher() {
                @Override
                boolean test(RequestHead request, @Nullable ResponseHead response) {
                    if (response != null) {
                        return false; // the request's credentials are gone once it is forwarded, as in HAProxy
                    }
                    UserList.User user = BackendsView.user(request, list);
                    if (!groups) {
                        return test.test(user == null ? 0L : 1L);
                    }
                    return user != null && user.groups().stream().anyMatch(test::test);
                }
            };
        }
        if (ContentFetches.readsContent(fetch)) {
            return content(acl, test);
        }
        if (TlsFetches.reads(fetch)) {
            return new AclMatcher() {
                @Override
                boolean test(RequestHead request, @Nullable ResponseHead response) {
                    return test.test(TlsFetches.value(fetch, request));
                }
            };
        }
        return new AclMatcher() {
            @Override
            boolean test(RequestHead request, @Nullable ResponseHead response) {
                return testFetched(acl, test, request, response);
            }
        };
    }

    /**
     * A matcher of the held content: with HAProxy's {@code acl_exec_cond}, a value that does not match yet, or no
     * value, is a MISS while the fetch says more bytes may change it and the content is not complete.
     */
    private static AclMatcher content(Acl acl, ValueTest test) {
        AclFetch fetch = acl.fetch();
        int[] payload = fetch == AclFetch.PAYLOAD
                ? ContentFetches.payloadArgument(java.util.Objects.requireNonNull(acl.argument(), "argument"))
                : new int[0];
        return new AclMatcher() {
            @Override
            boolean test(RequestHead request, @Nullable ResponseHead response) {
                return test.test(
                        ContentFetches.fetch(fetch, payload, request.content()).value());
            }

            @Override
            AclResult evaluate(RequestHead request) {
                RequestContent content = request.content();
                ContentSample sample = ContentFetches.fetch(fetch, payload, content);
                if (sample.value() != null && test.test(sample.value())) {
                    return AclResult.PASS;
                }
                return sample.mayChange() && !content.complete() ? AclResult.MISS : AclResult.FAIL;
            }
        };
    }

    private static boolean testFetched(Acl acl, ValueTest test, RequestHead request, @Nullable ResponseHead response) {
        String argument = acl.fetch().needsArgument ? java.util.Objects.requireNonNull(acl.argument(), "argument") : "";
        if (response == null
                ? AclFetch.RESPONSE.contains(acl.fetch())
                : AclFetch.REQUEST_CONTENT.contains(acl.fetch())) {
            return false; // not there to fetch, as in HAProxy
        }
        return switch (acl.fetch()) {
            case PATH -> test.test(request.path());
            case URL -> test.test(request.uri());
            case METHOD -> test.test(request.method());
            case VERSION -> test.test(version(request.version()));
            case URL_PARAM -> test.test(urlParam(request.query(), argument));
            case REQ_COOK -> test.test(request.cookie(argument));
            case HDR -> anyHeaderValue(request.headers(argument), test);
            case HDR_CNT -> test.test(countValues(request.headers(argument)));
            case DST_PORT -> test.test(request.localPort());
            case SRC -> test.test(request.clientAddress());
            case DST -> test.test(request.localAddress());
            case STATUS ->
                test.test(java.util.Objects.requireNonNull(response, "response").status());
            case RES_HDR ->
                anyHeaderValue(
                        java.util.Objects.requireNonNull(response, "response").headers(argument), test);
            case RES_HDR_CNT ->
                test.test(countValues(
                        java.util.Objects.requireNonNull(response, "response").headers(argument)));
            case RES_VER ->
                test.test(version(
                        java.util.Objects.requireNonNull(response, "response").version()));
            case RES_COOK -> test.test(setCookie(java.util.Objects.requireNonNull(response, "response"), argument));
            case TRUE,
                    FALSE,
                    STICK,
                    NBSRV,
                    HTTP_AUTH,
                    HTTP_AUTH_GROUP,
                    VAR,
                    REQ_LEN,
                    PAYLOAD,
                    SSL_HELLO_TYPE,
                    SSL_SNI,
                    SSL_VER -> throw new AssertionError(acl.fetch());
            case SSL_FC,
                    SSL_FC_SNI,
                    SSL_FC_PROTOCOL,
                    SSL_FC_CIPHER,
                    SSL_FC_ALPN,
                    SSL_C_USED,
                    SSL_C_VERIFY,
                    SSL_C_S_DN -> throw new AssertionError(acl.fetch());
        };
    }

    /** The value of the cookie {@code name} that a {@code Set-Cookie} header of {@code response} sets, or null. */
    private static @Nullable String setCookie(ResponseHead response, String name) {
        for (String header : response.headers("Set-Cookie")) {
            int equals = header.indexOf('=');
            if (equals > 0 && header.substring(0, equals).strip().equals(name)) {
                int end = header.indexOf(';', equals);
                return header.substring(equals + 1, end < 0 ? header.length() : end)
                        .strip();
            }
        }
        return null;
    }

    private static String version(String version) {
        return version.startsWith("HTTP/") ? version.substring(5) : version;
    }

    /** The value of the first {@code name} parameter of {@code query} (not decoded), or null. */
    static @Nullable String urlParam(@Nullable String query, String name) {
        if (query == null) {
            return null;
        }
        int start = 0;
        int length = query.length();
        while (start <= length) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = length;
            }
            int nameEnd = start + name.length();
            if (nameEnd <= end && query.startsWith(name, start)) {
                if (nameEnd == end) {
                    return "";
                }
                if (query.charAt(nameEnd) == '=') {
                    return query.substring(nameEnd + 1, end);
                }
            }
            start = end + 1;
        }
        return null;
    }

    private static boolean anyHeaderValue(List<String> headers, ValueTest test) {
        for (String header : headers) {
            if (header.indexOf(',') < 0) {
                if (test.test(header.strip())) {
                    return true;
                }
                continue;
            }
            for (String value : header.split(",", -1)) {
                if (test.test(value.strip())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int countValues(List<String> headers) {
        int count = 0;
        for (String header : headers) {
            count += header.split(",", -1).length;
        }
        return count;
    }
}
