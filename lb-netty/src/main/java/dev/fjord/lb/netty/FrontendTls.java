package dev.fjord.lb.netty;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.CrtList;
import dev.fjord.lb.core.TlsBind;
import dev.fjord.lb.core.TlsVerify;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

/**
 * The TLS of one bind: an {@link SslContext} per certificate (with the settings of its crt-list line, if any), and
 * which certificate each SNI gets, as HAProxy picks it: an exact name of the certificate (its DNS SANs and CN, or the
 * crt-list's filters), else a wildcard {@code *.domain} covering one label (not one its line excludes), else the
 * first certificate, or none with {@code strict-sni}. A certificate
 * replaced at run time ({@link #replace}) serves the handshakes that start after it; established connections keep
 * theirs. Thread-safe: lookups read an immutable table that replacements swap.
 */
final class FrontendTls {
    private final TlsBind settings;
    private final boolean http;
    private final OpenSslSessionTicketKey @Nullable [] ticketKeys;
    private final List<CrtList.Entry> entries;
    /** The settings of each entry: the bind's, with what its crt-list line overrides. */
    private final List<TlsBind> entrySettings;

    private volatile Table table;
    /** The OCSP responses stapled, by certificate name; replaced whole. */
    private volatile Map<String, OcspResponse> staples;

    /**
     * What a handshake is served: the context of its certificate and, when there is one, the OCSP response to staple.
     */
    record Selection(SslContext context, @Nullable OcspResponse staple) {}

    /** The contexts and the names that select them; immutable. */
    private record Table(
            List<PemBundle> bundles,
            List<SslContext> contexts,
            Map<String, List<Integer>> exact,
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
        this.entrySettings = entries.stream().map(settings::settingsOf).toList();
        this.table = table(bundles, null);
        Map<String, OcspResponse> loaded = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            OcspResponse response = OcspStaples.load(entries.get(i).certificate(), bundles.get(i));
            if (response != null) {
                loaded.put(bundles.get(i).name(), response);
            }
        }
        this.staples = Map.copyOf(loaded);
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
                entries.add(CrtList.Entry.of(file));
            }
        }
        entries.addAll(settings.listed());
        List<PemBundle> bundles = new ArrayList<>();
        entries.forEach(entry -> bundles.add(PemBundle.read(entry.certificate(), entry.key())));
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
        return table.bundles().stream().map(PemBundle::name).distinct().toList();
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
    Selection select(@Nullable String hostname, boolean takesEcdsa) {
        Table now = table;
        int index = index(now, hostname, takesEcdsa);
        if (index < 0) {
            return null;
        }
        OcspResponse staple =
                staples.isEmpty() ? null : staples.get(now.bundles().get(index).name());
        return new Selection(now.contexts().get(index), staple);
    }

    /** The index of the certificate for {@code hostname}; -1 when the handshake is refused. */
    private int index(Table now, @Nullable String hostname, boolean takesEcdsa) {
        if (hostname != null) {
            String name = hostname.toLowerCase(Locale.ROOT);
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            List<Integer> exact = now.exact().get(name);
            if (exact != null) {
                return byKeyType(now, exact, takesEcdsa);
            }
            int dot = name.indexOf('.');
            List<Integer> wild = dot > 0 ? now.wildcards().get(name.substring(dot + 1)) : null;
            if (wild != null) {
                String served = name;
                List<Integer> usable = wild.stream()
                        .filter(index -> !entries.get(index).excluded().contains(served))
                        .toList();
                if (!usable.isEmpty()) {
                    return byKeyType(now, usable, takesEcdsa);
                }
            }
        }
        return settings.strictSni() ? -1 : 0; // as HAProxy 2.6: the first certificate, whatever the client takes
    }

    /**
     * Of certificates serving the same name, the first with an ECDSA key for a client that takes ECDSA, else the first
     * with an RSA key, else the first: HAProxy's choice, so that ECDSA and RSA certificates for one site serve each
     * client the one it can use.
     */
    private static int byKeyType(Table now, List<Integer> candidates, boolean takesEcdsa) {
        if (candidates.size() > 1) {
            String wanted = takesEcdsa ? "EC" : "RSA";
            for (int index : candidates) {
                if (now.bundles().get(index).key().getAlgorithm().equals(wanted)) {
                    return index;
                }
            }
        }
        return candidates.get(0);
    }

    /**
     * Applies what the bind says per connection to the engine of a handshake about to start: {@code
     * prefer-client-ciphers} (the client's cipher order), and {@code no-tls-tickets} (no ticket issued; with
     * BoringSSL, which Netty otherwise lets issue TLS 1.3 tickets on every connection), and the OCSP response to
     * {@code staple}, if any.
     */
    void configure(SSLEngine engine, @Nullable OcspResponse staple) {
        if (staple != null) {
            TlsProvider.staple(engine, staple.der());
        }
        if (settings.preferClientCiphers()) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setUseCipherSuitesOrder(false);
            engine.setSSLParameters(parameters);
        }
        if (!settings.tickets()) {
            TlsProvider.noTickets(engine);
        }
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
        OcspResponse stapled = staples.get(bundle.name());
        if (stapled != null
                && stapled.problem(bundle.chain().get(0), OcspStaples.issuer(bundle), Instant.now())
                        != null) { // about the certificate replaced: not stapled to the new one
            Map<String, OcspResponse> kept = new HashMap<>(staples);
            kept.remove(bundle.name());
            staples = Map.copyOf(kept);
        }
    }

    /**
     * Staples {@code response} from the next handshake on to the certificates it is about (valid now, status good);
     * none when it is about none of this bind's.
     *
     * @return the names of the certificates it is now stapled to
     */
    synchronized List<String> staple(OcspResponse response, Instant now) {
        List<String> names = new ArrayList<>();
        for (PemBundle bundle : table.bundles()) {
            if (response.problem(bundle.chain().get(0), OcspStaples.issuer(bundle), now) == null) {
                names.add(bundle.name());
            }
        }
        if (!names.isEmpty()) {
            Map<String, OcspResponse> updated = new HashMap<>(staples);
            names.forEach(name -> updated.put(name, response));
            staples = Map.copyOf(updated);
        }
        return names;
    }

    private Table table(List<PemBundle> bundles, @Nullable Table old) {
        Map<Served, SslContext> built = new HashMap<>();
        if (old != null) { // a replacement: the contexts of unchanged certificates stay
            for (int i = 0; i < old.bundles().size(); i++) {
                built.put(
                        new Served(old.bundles().get(i), entrySettings.get(i)),
                        old.contexts().get(i));
            }
        }
        List<SslContext> contexts = new ArrayList<>();
        Map<String, List<Integer>> exact = new HashMap<>();
        Map<String, List<Integer>> wildcards = new LinkedHashMap<>();
        for (int i = 0; i < bundles.size(); i++) {
            PemBundle bundle = bundles.get(i);
            contexts.add(built.computeIfAbsent(new Served(bundle, entrySettings.get(i)), this::context));
            List<String> names = entries.get(i).filtered() ? entries.get(i).names() : List.copyOf(bundle.serverNames());
            for (String name : names) {
                if (name.startsWith("*.")) {
                    wildcards
                            .computeIfAbsent(name.substring(2), n -> new ArrayList<>())
                            .add(i);
                } else {
                    exact.computeIfAbsent(name, n -> new ArrayList<>()).add(i); // in order: byKeyType chooses
                }
            }
        }
        return new Table(List.copyOf(bundles), List.copyOf(contexts), Map.copyOf(exact), wildcards);
    }

    /** A certificate with the settings it is served with: one context each. */
    private record Served(PemBundle bundle, TlsBind settings) {}

    private SslContext context(Served served) {
        PemBundle bundle = served.bundle();
        TlsBind settings = served.settings();
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
        if (settings.caFile() != null) {
            builder.trustManager(PemBundle.caCertificates(settings.caFile()).toArray(new X509Certificate[0]));
        }
        TlsProvider.alpn(builder, offered(settings.alpn()));
        if (TlsProvider.isNative()) {
            builder.enableOcsp(true); // a stapled response is set per handshake (configure), none when there is none
        }
        if (settings.curves() != null && TlsProvider.isNative()) { // the JDK's: -Djdk.tls.namedGroups
            builder.option(OpenSslContextOption.GROUPS, settings.curves().split(":"));
        }
        try {
            SslContext context = builder.build();
            if (settings.tickets()
                    && ticketKeys != null
                    && context.sessionContext() instanceof OpenSslSessionContext sessions) {
                sessions.setTicketKeys(ticketKeys);
            }
            if (context.sessionContext() instanceof OpenSslServerSessionContext sessions) {
                sessions.setSessionIdContext(sessionIdContext(settings));
            }
            return context;
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException(bundle.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The session ID context of certificates served with {@code settings}: a session resumes only where it was made
     * under the same settings, so that a client cannot carry a session made under one crt-list line's options ({@code
     * verify}, {@code ssl-min-ver}, {@code alpn}) to a name another line serves. Certificates served alike share it,
     * and a certificate replaced at run time keeps it, so sessions outlive a swap.
     */
    static byte[] sessionIdContext(TlsBind settings) {
        String served = String.join(
                "|",
                String.join(",", settings.alpn()),
                settings.minVersion().toString(),
                settings.maxVersion().toString(),
                String.valueOf(settings.ciphers()),
                String.valueOf(settings.cipherSuites()),
                String.valueOf(settings.caFile()),
                settings.verify().keyword());
        try {
            return MessageDigest.getInstance("SHA-256").digest(served.getBytes(StandardCharsets.UTF_8)); // 32 bytes
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /** ALPN: what the bind line lists, less what Fjord does not speak in HTTP mode (all but h2 and HTTP/1.x). */
    List<String> offeredProtocols() {
        return offered(settings.alpn());
    }

    /** Whether a handshake may choose {@code h2}: the bind, or a crt-list line of it, offers it. */
    boolean mayOfferH2() {
        return entrySettings.stream().anyMatch(s -> offered(s.alpn()).contains("h2"));
    }

    private List<String> offered(List<String> alpn) {
        return http
                ? alpn.stream()
                        .filter(p -> p.equals("h2") || p.equals("http/1.1") || p.equals("http/1.0"))
                        .toList()
                : alpn;
    }
}
