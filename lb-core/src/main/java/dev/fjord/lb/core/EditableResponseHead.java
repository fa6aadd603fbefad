package dev.fjord.lb.core;

import java.util.List;

/**
 * A {@link ResponseHead} that {@code http-response} and {@code http-after-response} rules edit in place. lb-netty
 * implements it over the response it relays; {@link ResponseHead#builder(int)} makes one for tests. Not thread-safe.
 */
public interface EditableResponseHead extends ResponseHead {

    /** Replaces the status code and reason phrase. */
    void status(int status, String reason);

    /** Replaces every {@code name} header by one with {@code value}. */
    void setHeader(String name, String value);

    /** Adds one {@code name} header with {@code value} after the existing ones. */
    void addHeader(String name, String value);

    /** Removes every {@code name} header. */
    void removeHeader(String name);

    /**
     * Replaces every {@code name} header by {@code values}, in order (none: the header is removed); by default
     * removed then added, so that they may move after other headers.
     */
    default void replaceHeaders(String name, List<String> values) {
        removeHeader(name);
        for (String value : values) {
            addHeader(name, value);
        }
    }
}
