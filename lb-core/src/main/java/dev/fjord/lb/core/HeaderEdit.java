package dev.fjord.lb.core;

import java.util.Objects;

import dev.fjord.lb.core.internal.Tokens;

/**
 * A change to the headers of a request or response, applied in order by the transport.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-5">RFC 9110 section 5: fields</a>
 */
public sealed interface HeaderEdit {

    /** The header's name. */
    String name();

    /** Replace every {@code name} header by one with {@code value}. */
    record Set(String name, String value) implements HeaderEdit {
        public Set {
            requireHeader("set-header", name, value);
        }
    }

    /** Add one {@code name} header with {@code value} after any existing ones. */
    record Add(String name, String value) implements HeaderEdit {
        public Add {
            requireHeader("add-header", name, value);
        }
    }

    /**
     * Replace the request target (path and query) by {@code uri}: {@code http-request set-path}, {@code set-query},
     * {@code set-uri}, {@code replace-path}, {@code replace-uri}. Not a header: its {@link #name()} is empty.
     */
    record Target(String uri) implements HeaderEdit {
        public Target {
            Objects.requireNonNull(uri, "uri");
            if (uri.isEmpty() || uri.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                throw new ConfigException("request target '" + uri + "' (expected: no spaces or control characters)");
            }
        }

        @Override
        public String name() {
            return "";
        }
    }

    /** Remove every {@code name} header. */
    record Delete(String name) implements HeaderEdit {
        public Delete {
            requireHeader("del-header", name, "");
        }
    }

    /**
     * Checks an RFC 9110 field name (a token) that does not frame messages ({@code Content-Length},
     * {@code Transfer-Encoding}: the transport sets those from the body it sends) and a value without CR, LF or NUL.
     */
    static void requireHeader(String context, String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!Tokens.isToken(name)) { // not cached: a loop over a short name costs less than a lookup
            throw new ConfigException(context + ": name '" + name + "' (expected: an RFC 9110 field name)");
        }
        if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
            throw new ConfigException(context + ": '" + name + "' frames the message body (expected: a header other "
                    + "than Content-Length and Transfer-Encoding)");
        }
        for (int i = 0; i < value.length(); i++) { // a loop, not a stream: edits are made per request
            char c = value.charAt(i);
            if (c <= '\r' && (c == '\r' || c == '\n' || c == 0)) {
                throw new ConfigException(
                        context + ": value of '" + name + "' contains CR, LF or NUL (expected: none)");
            }
        }
    }
}
