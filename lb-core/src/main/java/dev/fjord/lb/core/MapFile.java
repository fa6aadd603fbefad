package dev.fjord.lb.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.IpNetwork;

/**
 * A map file of the {@code map_*} converters, as HAProxy reads one: a line a key and its value (the key, blanks, then
 * the rest of the line), blank lines and {@code #} comments skipped. Looked up by a match method: {@code str} (the
 * key equals the input; a hash), {@code ip} (the longest network holding the input address), or in file order, the
 * first key that matches, for {@code beg}, {@code end}, {@code sub}, {@code dir}, {@code dom}, {@code reg} and
 * {@code int}. Read once, when the configuration is; immutable and thread-safe.
 */
final class MapFile {
    /** The match methods of the {@code map_<method>} converters: those of ACLs, but for bin, found and bool. */
    static final java.util.Set<Acl.Match> METHODS = java.util.EnumSet.of(
            Acl.Match.STR,
            Acl.Match.BEG,
            Acl.Match.END,
            Acl.Match.SUB,
            Acl.Match.DIR,
            Acl.Match.DOM,
            Acl.Match.REG,
            Acl.Match.INT,
            Acl.Match.IP);

    private final Acl.Match method;
    private final Map<String, String> exact = new HashMap<>();
    private final List<String> keys = new ArrayList<>();
    private final List<String> values = new ArrayList<>();
    private final List<Pattern> regexes = new ArrayList<>();
    private final List<IpNetwork> networks = new ArrayList<>();

    private MapFile(Acl.Match method) {
        this.method = method;
    }

    /**
     * Reads {@code file} for lookups by {@code method}.
     *
     * @throws ConfigException naming {@code context}, the file and the line that is wrong
     */
    static MapFile read(String context, String file, Acl.Match method) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException | InvalidPathException e) {
            throw new ConfigException(context + ": map '" + file + "': cannot read it ("
                    + e.getClass().getSimpleName() + "; expected: a readable file of 'KEY VALUE' lines)");
        }
        MapFile map = new MapFile(method);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int blank = 0;
            while (blank < line.length() && line.charAt(blank) != ' ' && line.charAt(blank) != '\t') {
                blank++;
            }
            String key = line.substring(0, blank);
            String value = line.substring(blank).strip();
            try {
                map.add(key, value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(context + ": map '" + file + "' line " + (i + 1) + ": key '" + key + "' ("
                        + e.getMessage() + ")");
            }
        }
        return map;
    }

    private void add(String key, String value) {
        switch (method) {
            case STR -> exact.putIfAbsent(key, value); // the first of equal keys wins, as in HAProxy's tree
            case REG -> {
                try {
                    regexes.add(Pattern.compile(key));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("expected: a regular expression; " + e.getDescription(), e);
                }
            }
            case IP -> networks.add(IpNetwork.parse(key));
            case INT -> {
                if (key.isEmpty() || !key.chars().allMatch(c -> Character.isDigit(c) || c == '-')) {
                    throw new IllegalArgumentException("expected: an integer");
                }
            }
            default -> {}
        }
        keys.add(key);
        values.add(value);
    }

    /** The value of the first (for {@code ip}: the finest) key that matches {@code sample}; null when none does. */
    @Nullable
    String lookup(Object sample) {
        if (method == Acl.Match.IP) {
            InetAddress address = sample instanceof InetAddress a ? a : SampleConverter.address(sample.toString());
            return address == null ? null : finest(address);
        }
        String input = SampleConverter.text(sample);
        if (method == Acl.Match.STR) {
            return exact.get(input);
        }
        for (int i = 0; i < keys.size(); i++) {
            if (matches(i, input)) {
                return values.get(i);
            }
        }
        return null;
    }

    private boolean matches(int i, String input) {
        String key = keys.get(i);
        return switch (method) {
            case BEG, END, SUB, DIR, DOM -> ValueTest.matches(method, input, key, false);
            case REG -> regexes.get(i).matcher(input).find();
            case INT -> key.equals(input.strip());
            default -> throw new AssertionError(method);
        };
    }

    private @Nullable String finest(InetAddress address) {
        String found = null;
        int best = -1;
        for (int i = 0; i < networks.size(); i++) {
            IpNetwork network = networks.get(i);
            if (network.prefix() > best && network.contains(address)) {
                best = network.prefix();
                found = values.get(i);
            }
        }
        return found;
    }
}
