package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/** A {@link RequestHead} seen through header and target edits, applied in order. Immutable. */
final class EditedRequestHead extends ForwardingRequestHead {
    private final List<HeaderEdit> edits;

    private EditedRequestHead(RequestHead base, List<HeaderEdit> edits) {
        super(base);
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
            return new EditedRequestHead(edited.base(), List.copyOf(all));
        }
        return new EditedRequestHead(base, List.copyOf(edits));
    }

    /** The target the last {@link HeaderEdit.Target} edit set; null when none did. */
    private @Nullable String target() {
        String target = null;
        for (HeaderEdit edit : edits) {
            if (edit instanceof HeaderEdit.Target set) {
                target = set.uri();
            }
        }
        return target;
    }

    @Override
    public String uri() {
        String target = target();
        return target != null ? target : base().uri();
    }

    @Override
    public String path() {
        String target = target();
        if (target == null) {
            return base().path();
        }
        int question = target.indexOf('?');
        return question < 0 ? target : target.substring(0, question);
    }

    @Override
    public @Nullable String query() {
        String target = target();
        if (target == null) {
            return base().query();
        }
        int question = target.indexOf('?');
        return question < 0 ? null : target.substring(question + 1);
    }

    @Override
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>(base().headers(name));
        for (HeaderEdit edit : edits) {
            if (edit.name().equalsIgnoreCase(name) && !(edit instanceof HeaderEdit.Target)) {
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
    public @Nullable String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    @Override
    public @Nullable String cookie(String name) {
        for (String header : headers("Cookie")) { // the edited Cookie fields
            String value = dev.fjord.lb.core.internal.Cookies.find(header, name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        List<String[]> headers = new ArrayList<>();
        base().forEachHeader((name, value) -> headers.add(new String[] {name, value}));
        for (HeaderEdit edit : edits) {
            if (edit instanceof HeaderEdit.Add add) {
                headers.add(new String[] {add.name(), add.value()});
                continue;
            }
            if (edit instanceof HeaderEdit.Target) {
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
    public String toString() {
        return base() + " with " + edits;
    }
}
