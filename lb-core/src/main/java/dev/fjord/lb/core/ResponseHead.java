package dev.fjord.lb.core;

import java.util.List;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * The head of an HTTP response as {@code http-response} and {@code http-after-response} rules see it: status line
 * and headers. Transport-agnostic: lb-netty adapts its own response type to it, tests build one with
 * {@link #builder(int)}. Header names are matched case-insensitively; values are as received.
 *
 * <pre>{@code
 * ResponseHead head = ResponseHead.builder(404).header("Content-Type", "text/html").build();
 * }</pre>
 */
public interface ResponseHead {

    /** A builder of a response with {@code status}, its usual reason phrase and version {@code HTTP/1.1}. */
    static Builder builder(int status) {
        return new SimpleResponseHead(status);
    }

    /** The status code, e.g. {@code 200}. */
    int status();

    /** The reason phrase, e.g. {@code OK}. */
    String reason();

    /** The protocol version, e.g. {@code HTTP/1.1}. */
    String version();

    /** Every value of the header {@code name}, in order; empty when absent. */
    List<String> headers(String name);

    /** The first value of the header {@code name}, or null when absent. */
    default @Nullable String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Calls {@code action} with each header in order, names as received. */
    void forEachHeader(BiConsumer<String, String> action);

    /** Builds a response head; not thread-safe. */
    interface Builder {
        /** The reason phrase; default the usual one of the status. */
        Builder reason(String reason);

        /** The protocol version; default {@code HTTP/1.1}. */
        Builder version(String version);

        /** Adds a header (repeat to add several values, in order). */
        Builder header(String name, String value);

        /** A response head editable in place, as the rules edit it. */
        EditableResponseHead build();
    }
}
