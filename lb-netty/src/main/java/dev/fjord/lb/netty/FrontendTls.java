package dev.fjord.lb.netty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.TlsBind;
import dev.fjord.lb.core.TlsVerify;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

/**
 * The TLS of one bind: an {@link SslContext} per certificate, and which certificate each SNI gets, as HAProxy picks
 * it: an exact name of the certificate (its DNS SANs and CN, or the crt-list's filters), else a wildcard
 * {@code *.domain} covering one label, else the first certificate, or none with {@code strict-sni}. A certificate
 * replaced at run time ({@link #replace}) serves the handshakes that start after it; established connections keep
 * theirs. Thread-safe: lookups read an immutable table that replacements swap.
 */
final class FrontendTls {
    private final TlsBind settings;
    private final boolean http;
    private final OpenSslSessionTicketKey @Nullable [] ticketKeys;
    private final X509Certificate @Nullable [] caCertificates;
    private final List<CrtList.Entry> entries;
    private volatile Table table;

    /** The contexts and the names that select them; immutable. */
    private record Table(
            List<PemBundle> bundles,
            List<SslContext> contexts,
            Map<String, Integer> exact,
            Map<String, List<Integer>> wildcards) {}

    private FrontendTls(
            TlsBind settings,
            boolean http,
            OpenSslSessionTicketKey @Nullable [] ticketKeys,
            List<CrtList.Entry> entries,
            List<PemBundle> bundles) {
        this.settings = settings;
        this.http = http;
        this.ticketKeys = ticketKeys;
        this.entries = entries;
        this.caCertificates = settings.caFile() == null
                ? null
                : PemBundle.caCertificates(settings.caFile()).toArray(new X509Certificate[0]);
        this.table = table(bundles, null);
    }

    /**
     * Loads the certificates of {@code settings}; {@code http}: the bind's frontend speaks HTTP, which offers only
     * {@code h2} and {@code http/1.x} by ALPN. The same {@code ticketKeys} on every bind let sessions resume across
     * certificates.
     *
     * @throws IllegalArgumentException naming the file that is missing or wrong, or the option the library refuses
     */
    static FrontendTls load(TlsBind settings, boolean http, OpenSslSessionTicketKey @Nullable [] ticketKeys) {
        List<CrtList.Entry> entries = new ArrayList<>();
        for (Path path : settings.certificates()) {
            for (Path file : certificateFiles(path)) {
                entries.add(new CrtList.Entry(file, List.of(), List.of()));
            }
        }
        if (settings.crtList() != null) {
            entries.addAll(CrtList.read(settings.crtList()));
        }
        List<PemBundle> bundles = new ArrayList<>();
        entries.forEach(entry -> bundles.add(PemBundle.read(entry.certificate())));
        return new FrontendTls(settings, http, ticketKeys, entries, bundles);
    }

    /** A file, or the files of a directory in name order, leaving out what HAProxy does ({@code .key}, ...). */
    private static List<Path> certificateFiles(Path path) {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> files = Files.list(path)) {
            List<Path> found = files.filter(Files::isRegularFile)
                    .filter(file -> {
                        String name = file.getFileName().toString();
                        return !name.startsWith(".")
                                && Stream.of(".key", ".ocsp", ".issuer", ".sctl", ".dh")
                                        .noneMatch(name::endsWith);
                    })
                    .sorted()
                    .toList();
            if (found.isEmpty()) {
                throw new IllegalArgumentException(path + ": no certificate file in the directory");
            }
            return found;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(path + ": cannot list the directory (" + e.getMessage() + ")");
        }
    }

    TlsBind settings() {
        return settings;
    }

    /** The certificates' names (their paths as configured), as the runtime socket names them. */
    List<String> certificateNames() {
        return table.bundles().stream().map(PemBundle::name).toList();
    }

    /** The bundles now served, in order. */
    List<PemBundle> bundles() {
        return table.bundles();
    }

    /**
     * The context for a handshake asking for {@code hostname} (null: no SNI); null when the handshake is refused
     * ({@code strict-sni} and no certificate for it).
     */
    @Nullable
    SslContext select(@Nullable String hostname) {
        Table now = table;
        if (hostname != null) {
            String name = hostname.toLowerCase(Locale.ROOT);
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            Integer exact = now.exact().get(name);
            if (exact != null && !entries.get(exact).excluded().contains(name)) {
                return now.contexts().get(exact);
            }
            int dot = name.indexOf('.');
            List<Integer> wild = dot > 0 ? now.wildcards().get(name.substring(dot + 1)) : null;
            if (wild != null) {
                for (int index : wild) {
                    if (!entries.get(index).excluded().contains(name)) {
                        return now.contexts().get(index);
                    }
                }
            }
        }
        return settings.strictSni() ? null : now.contexts().get(0);
    }

    /** Whether a certificate of this bind is named {@code name}. */
    boolean uses(String name) {
        return certificateNames().contains(name);
    }

    /**
     * Serves {@code bundle} instead of the certificate of the same name from the next handshake on.
     *
     * @throws IllegalArgumentException when the library refuses it; nothing changes then
     */
    synchronized void replace(PemBundle bundle) {
        List<PemBundle> bundles = new ArrayList<>(table.bundles());
        for (int i = 0; i < bundles.size(); i++) {
            if (bundles.get(i).name().equals(bundle.name())) {
                bundles.set(i, bundle);
            }
        }
        table = table(bundles, table);
    }

    private Table table(List<PemBundle> bundles, @Nullable Table old) {
        Map<PemBundle, SslContext> built = new HashMap<>();
        if (old != null) { // a replacement: the contexts of unchanged certificates stay
            for (int i = 0; i < old.bundles().size(); i++) {
                built.put(old.bundles().get(i), old.contexts().get(i));
            }
        }
        List<SslContext> contexts = new ArrayList<>();
        Map<String, Integer> exact = new HashMap<>();
        Map<String, List<Integer>> wildcards = new LinkedHashMap<>();
        for (int i = 0; i < bundles.size(); i++) {
            PemBundle bundle = bundles.get(i);
            contexts.add(built.computeIfAbsent(bundle, this::context));
            List<String> names = entries.get(i).names().isEmpty()
                    ? List.copyOf(bundle.serverNames())
                    : entries.get(i).names();
            for (String name : names) {
                if (name.startsWith("*.")) {
                    wildcards
                            .computeIfAbsent(name.substring(2), n -> new ArrayList<>())
                            .add(i);
                } else {
                    exact.putIfAbsent(name, i); // the first certificate of a name serves it
                }
            }
        }
        return new Table(List.copyOf(bundles), List.copyOf(contexts), Map.copyOf(exact), wildcards);
    }

    private SslContext context(PemBundle bundle) {
        SslContextBuilder builder = SslContextBuilder.forServer(
                        bundle.key(), bundle.chain().toArray(new X509Certificate[0]))
                .sslProvider(TlsProvider.provider())
                .protocols(TlsProvider.protocols(settings.minVersion(), settings.maxVersion()))
                .clientAuth(
                        settings.verify() == TlsVerify.REQUIRED
                                ? ClientAuth.REQUIRE
                                : settings.verify() == TlsVerify.OPTIONAL ? ClientAuth.OPTIONAL : ClientAuth.NONE);
        List<String> ciphers = TlsProvider.ciphers(settings.ciphers(), settings.cipherSuites());
        if (ciphers != null) {
            builder.ciphers(ciphers);
        }
        if (caCertificates != null) {
            builder.trustManager(caCertificates);
        }
        TlsProvider.alpn(builder, offeredProtocols());
        try {
            SslContext context = builder.build();
            if (ticketKeys != null && context.sessionContext() instanceof OpenSslSessionContext sessions) {
                sessions.setTicketKeys(ticketKeys);
            }
            return context;
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException(bundle.name() + ": " + e.getMessage(), e);
        }
    }

    /** ALPN: what the bind lists, less what Fjord does not speak in HTTP mode (all but {@code h2} and HTTP/1.x). */
    List<String> offeredProtocols() {
        return http
                ? settings.alpn().stream()
                        .filter(p -> p.equals("h2") || p.equals("http/1.1") || p.equals("http/1.0"))
                        .toList()
                : settings.alpn();
    }
}
