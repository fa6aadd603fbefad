package dev.fjord.lb.core;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/** A {@link RequestHead} seen through header edits, applied in order. Immutable. */
final class EditedRequestHead implements RequestHead {
    private final RequestHead base;
    private final List<HeaderEdit> edits;

    private EditedRequestHead(RequestHead base, List<HeaderEdit> edits) {
        this.base = base;
        this.edits = edits;
    }

    /** {@code base} with {@code edits} applied; {@code base} itself when there are none. */
    static RequestHead of(RequestHead base, List<HeaderEdit> edits) {
        if (edits.isEmpty()) {
            return base;
        }
        if (base instanceof EditedRequestHead edited) {
            List<HeaderEdit> all = new ArrayList<>(edited.edits);
            all.addAll(edits);
            return new EditedRequestHead(edited.base, List.copyOf(all));
        }
        return new EditedRequestHead(base, List.copyOf(edits));
    }

    /** The request the edits apply to. */
    RequestHead base() {
        return base;
    }

    @Override
    public String method() {
        return base.method();
    }

    @Override
    public String path() {
        return base.path();
    }

    @Override
    public @Nullable String query() {
        return base.query();
    }

    @Override
    public String version() {
        return base.version();
    }

    @Override
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>(base.headers(name));
        for (HeaderEdit edit : edits) {
            if (edit.name().equalsIgnoreCase(name)) {
                if (edit instanceof HeaderEdit.Set set) {
                    values.clear();
                    values.add(set.value());
                } else if (edit instanceof HeaderEdit.Add add) {
                    values.add(add.value());
                } else {
                    values.clear();
                }
            }
        }
        return values;
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        List<String[]> headers = new ArrayList<>();
        base.forEachHeader((name, value) -> headers.add(new String[] {name, value}));
        for (HeaderEdit edit : edits) {
            if (edit instanceof HeaderEdit.Add add) {
                headers.add(new String[] {add.name(), add.value()});
                continue;
            }
            int first = -1;
            for (int i = headers.size() - 1; i >= 0; i--) {
                if (headers.get(i)[0].equalsIgnoreCase(edit.name())) {
                    headers.remove(i);
                    first = i;
                }
            }
            if (edit instanceof HeaderEdit.Set set) {
                headers.add(first < 0 ? headers.size() : first, new String[] {set.name(), set.value()});
            }
        }
        headers.forEach(header -> action.accept(header[0], header[1]));
    }

    @Override
    public InetAddress clientAddress() {
        return base.clientAddress();
    }

    @Override
    public int clientPort() {
        return base.clientPort();
    }

    @Override
    public int localPort() {
        return base.localPort();
    }

    @Override
    public @Nullable ClientTls tls() {
        return base.tls();
    }

    @Override
    public RequestContent content() {
        return base.content();
    }

    @Override
    public String toString() {
        return base + " with " + edits;
    }
}
