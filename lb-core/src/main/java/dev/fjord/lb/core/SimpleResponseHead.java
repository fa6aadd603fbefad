package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The {@link EditableResponseHead} made by {@link ResponseHead#builder(int)}, and the form a {@link LocalResponse}
 * takes while {@code http-after-response} rules edit it. Not thread-safe.
 */
final class SimpleResponseHead implements EditableResponseHead, ResponseHead.Builder {
    private int status;
    private String reason;
    private String version = "HTTP/1.1";
    /** Names and values, alternating: {@code [name0, value0, name1, value1, ...]}. */
    private final List<String> headers = new ArrayList<>();

    SimpleResponseHead(int status) {
        this.status = Require.range("response", "status", status, 100, 999);
        this.reason = LocalResponse.reason(status);
    }

    /** {@code response} as a head to edit; its body stays with the caller. */
    static SimpleResponseHead of(LocalResponse response) {
        SimpleResponseHead head = new SimpleResponseHead(response.status());
        head.reason = response.reason();
        for (Map.Entry<String, String> header : response.headers()) {
            head.addHeader(header.getKey(), header.getValue());
        }
        return head;
    }

    /** This head with {@code body}, as a response the proxy sends itself. */
    LocalResponse toLocalResponse(String body) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(headers.size() / 2);
        forEachHeader((name, value) -> entries.add(Map.entry(name, value)));
        return new LocalResponse(status, entries, body, reason);
    }

    @Override
    public ResponseHead.Builder reason(String reason) {
        this.reason = Objects.requireNonNull(reason, "reason");
        return this;
    }

    @Override
    public ResponseHead.Builder version(String version) {
        this.version = Objects.requireNonNull(version, "version");
        return this;
    }

    @Override
    public ResponseHead.Builder header(String name, String value) {
        addHeader(name, value);
        return this;
    }

    @Override
    public EditableResponseHead build() {
        SimpleResponseHead copy = new SimpleResponseHead(status);
        copy.reason = reason;
        copy.version = version;
        copy.headers.addAll(headers);
        return copy;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public String reason() {
        return reason;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>(2);
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                values.add(headers.get(i + 1));
            }
        }
        return values;
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        for (int i = 0; i < headers.size(); i += 2) {
            action.accept(headers.get(i), headers.get(i + 1));
        }
    }

    @Override
    public void status(int status, String reason) {
        this.status = Require.range("response", "status", status, 100, 999);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    @Override
    public void setHeader(String name, String value) {
        removeHeader(name);
        addHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        headers.add(Objects.requireNonNull(name, "name"));
        headers.add(Objects.requireNonNull(value, "value"));
    }

    @Override
    public void removeHeader(String name) {
        for (int i = headers.size() - 2; i >= 0; i -= 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                headers.remove(i + 1);
                headers.remove(i);
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(version)
                .append(' ')
                .append(status)
                .append(' ')
                .append(reason);
        forEachHeader(
                (name, value) -> text.append("\n").append(name).append(": ").append(value));
        return text.toString();
    }
}
