package dev.fjord.lb.core.haproxy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.CrtList;
import dev.fjord.lb.core.ServerTls;
import dev.fjord.lb.core.TlsBind;
import dev.fjord.lb.core.TlsVersion;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * What the {@code global} section says about TLS files and defaults, for the bind and server lines that follow:
 * {@code crt-base} and {@code ca-base} (relative {@code crt}, {@code crt-list}, {@code ca-file} paths are read from
 * there) and {@code ssl-server-verify}; and the checks of those paths that {@code --check} reports with the line:
 * a file that does not exist or cannot be read. One per import, not thread-safe.
 */
final class TlsImport {
    private @Nullable Path crtBase;
    private @Nullable Path caBase;
    private boolean serverVerifyNone;
    /** What {@code ssl-default-bind-*} sets on every TLS bind, before the bind's own options. */
    private final List<Consumer<TlsBind.Builder>> bindDefaults = new ArrayList<>();
    /** {@code ssl-default-bind-options}' versions: min, max; null: Fjord's default. */
    private final @Nullable TlsVersion[] bindVersions = {null, null};

    /** What {@code ssl-default-server-*} sets on every server, under its backend's {@code default-server}. */
    private final List<Consumer<ServerTls.Builder>> serverDefaults = new ArrayList<>();

    private final List<String> warnings;
    private final String file;

    TlsImport(String file, List<String> warnings) {
        this.file = file;
        this.warnings = warnings;
    }

    /**
     * Reads a global line; false when it is none of {@code crt-base}, {@code ca-base}, {@code ssl-server-verify},
     * {@code ssl-default-bind-ciphers}, {@code ssl-default-bind-ciphersuites}, {@code ssl-default-bind-curves},
     * {@code ssl-default-bind-options}, {@code ssl-default-server-ciphers}, {@code ssl-default-server-ciphersuites},
     * {@code ssl-default-server-options}.
     */
    boolean global(Line line) {
        switch (line.keyword()) {
            case "crt-base" -> crtBase = directory(line);
            case "ca-base" -> caBase = directory(line);
            case "ssl-server-verify" -> {
                switch (line.arg(1)) {
                    case "none" -> serverVerifyNone = true;
                    case "required" -> serverVerifyNone = false;
                    default ->
                        throw new IllegalArgumentException(
                                "'" + line.arg(1) + "' (expected: ssl-server-verify none|required)");
                }
            }
            case "ssl-default-bind-ciphers" -> {
                String ciphers = single(line);
                bindDefaults.add(t -> t.ciphers(ciphers));
            }
            case "ssl-default-bind-ciphersuites" -> {
                String suites = single(line);
                bindDefaults.add(t -> t.cipherSuites(suites));
            }
            case "ssl-default-bind-curves" -> {
                String curves = single(line);
                bindDefaults.add(t -> t.curves(curves));
            }
            case "ssl-default-bind-options" -> bindOptions(line);
            case "ssl-default-server-ciphers" -> {
                String ciphers = single(line);
                serverDefaults.add(t -> t.ciphers(ciphers));
            }
            case "ssl-default-server-ciphersuites" -> {
                String suites = single(line);
                serverDefaults.add(t -> t.cipherSuites(suites));
            }
            case "ssl-default-server-options" -> serverOptions(line);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** {@code ssl-default-bind-options}: versions, {@code no-tls-tickets}, {@code prefer-client-ciphers}. */
    private void bindOptions(Line line) {
        for (int i = 1; i < line.size(); i++) {
            int last = BindKeywords.versionOption(line, i, bindVersions);
            if (last >= 0) {
                i = last;
                continue;
            }
            switch (line.arg(i)) {
                case "no-tls-tickets" -> bindDefaults.add(t -> t.tlsTickets(false));
                case "tls-tickets" -> bindDefaults.add(t -> t.tlsTickets(true));
                case "prefer-client-ciphers" -> bindDefaults.add(TlsBind.Builder::preferClientCiphers);
                default ->
                    throw new IllegalArgumentException("'" + line.arg(i) + "' is not supported yet in "
                            + "ssl-default-bind-options (supported: ssl-min-ver, ssl-max-ver, no-sslv3, no-tlsv10, "
                            + "no-tlsv11, no-tlsv13, force-tlsv12, force-tlsv13, no-tls-tickets, tls-tickets, "
                            + "prefer-client-ciphers)");
            }
        }
    }

    /** {@code ssl-default-server-options}: versions, {@code no-tls-tickets}. */
    private void serverOptions(Line line) {
        for (int i = 1; i < line.size(); i++) {
            TlsVersion[] range = {null, null};
            int last = BindKeywords.versionOption(line, i, range);
            if (last >= 0) {
                i = last;
                serverDefaults.add(ServerTlsOptions.versions(range));
                continue;
            }
            switch (line.arg(i)) {
                case "no-tls-tickets" -> serverDefaults.add(t -> t.tlsTickets(false));
                case "tls-tickets" -> serverDefaults.add(t -> t.tlsTickets(true));
                default ->
                    throw new IllegalArgumentException("'" + line.arg(i) + "' is not supported yet in "
                            + "ssl-default-server-options (supported: ssl-min-ver, ssl-max-ver, no-sslv3, no-tlsv10, "
                            + "no-tlsv11, no-tlsv13, force-tlsv12, force-tlsv13, no-tls-tickets, tls-tickets)");
            }
        }
    }

    /**
     * What the global {@code ssl-default-server-*} lines set, for every server of a backend (a {@code default-server}
     * before the section's own); empty without them.
     */
    List<Consumer<ServerTls.Builder>> serverDefaults() {
        return serverDefaults;
    }

    /** What the global {@code ssl-default-bind-*} lines set, for every TLS bind (before its own options). */
    List<Consumer<TlsBind.Builder>> bindDefaults() {
        return bindDefaults;
    }

    /** The versions {@code ssl-default-bind-options} sets (min, max; null: unset), a copy for a bind to refine. */
    @Nullable
    TlsVersion[] bindVersions() {
        return bindVersions.clone();
    }

    private static String single(Line line) {
        if (line.size() != 2) {
            throw new IllegalArgumentException("expected: " + line.keyword() + " LIST (one word, ':'-separated)");
        }
        return line.arg(1);
    }

    /** {@code ssl-server-verify none}: servers whose lines do not say {@code verify} are not verified. */
    boolean serverVerifyNone() {
        return serverVerifyNone;
    }

    /** Keeps a warning about {@code line}. */
    void warn(Line line, String message) {
        warnings.add(file + ":" + line.number() + ": " + message);
    }

    /** A certificate file or directory ({@code crt}), from {@code crt-base} when relative; it must be readable. */
    String certificate(String what, String path) {
        return readable(what, CrtList.resolve(crtBase, path));
    }

    /** {@code crt-base}; null: none. */
    @Nullable
    Path crtBase() {
        return crtBase;
    }

    /** {@code ca-base}; null: none. */
    @Nullable
    Path caBase() {
        return caBase;
    }

    /**
     * Checks that the files a crt-list names, from {@code crt-base} and {@code ca-base} when relative, are readable.
     *
     * @throws IllegalArgumentException naming the crt-list's line and the file
     */
    void crtList(String file) {
        for (CrtList.Entry entry : CrtList.read(Path.of(file), crtBase, caBase)) {
            try {
                readable("certificate", entry.certificate());
                if (entry.key() != null) {
                    readable("key", entry.key());
                }
                if (entry.options().caFile() != null) {
                    readable("ca-file", entry.options().caFile());
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(entry.origin() + ": " + e.getMessage(), e);
            }
        }
    }

    /** A CA file ({@code ca-file}), from {@code ca-base} when relative; it must be readable. */
    String caFile(String path) {
        return readable("ca-file", CrtList.resolve(caBase, path));
    }

    /** A TLS version ({@code ssl-min-ver}, {@code ssl-max-ver}). */
    static TlsVersion version(String what, String name) {
        try {
            return TlsVersion.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " " + e.getMessage());
        }
    }

    private static String readable(String what, Path path) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(what + " '" + path + "': no such file (expected: a readable PEM file"
                    + (what.equals("crt") ? " or directory)" : ")"));
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(what + " '" + path + "': not readable (check its permissions)");
        }
        return path.toString();
    }

    private static Path directory(Line line) {
        if (line.size() != 2) {
            throw new IllegalArgumentException("expected: " + line.keyword() + " DIRECTORY");
        }
        return CrtList.resolve(null, line.arg(1));
    }
}
