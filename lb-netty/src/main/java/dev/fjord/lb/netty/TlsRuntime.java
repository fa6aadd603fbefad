package dev.fjord.lb.netty;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.ServerConfig;
import dev.fjord.lb.core.ServerTls;
import dev.fjord.lb.core.TlsBind;
import dev.fjord.lb.core.TlsVerify;

import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

/**
 * The TLS of a running proxy: each TLS bind's {@link FrontendTls} and each TLS server's client context, loaded
 * before a configuration is applied ({@link #prepare}) so that a missing or wrong file stops the start or the reload
 * instead of a handshake; and the certificates replaced at run time ({@link #replaceCertificate}). One random session
 * ticket key per process lets sessions resume on every bind and across replacements. Thread-safe.
 */
final class TlsRuntime {
    private static final OperatorLog log = OperatorLog.of(TlsRuntime.class.getName());

    /** A bind's TLS, by its settings and whether its frontend speaks HTTP (which limits ALPN). */
    private record BindKey(TlsBind settings, boolean http) {}

    private final Map<BindKey, FrontendTls> binds = new ConcurrentHashMap<>();
    private final Map<ServerTls, SslContext> servers = new ConcurrentHashMap<>();
    private final OpenSslSessionTicketKey @Nullable [] ticketKeys;

    TlsRuntime() {
        if (TlsProvider.isNative()) {
            SecureRandom random = new SecureRandom();
            byte[][] parts = new byte[3][16];
            for (byte[] part : parts) {
                random.nextBytes(part);
            }
            ticketKeys = new OpenSslSessionTicketKey[] {new OpenSslSessionTicketKey(parts[0], parts[1], parts[2])};
        } else {
            ticketKeys = null;
        }
    }

    /**
     * Loads every certificate, CA and option of {@code config}'s TLS binds and servers, reading the files again (a
     * reload serves what is on disk, as HAProxy's does).
     *
     * @throws IllegalStateException naming the frontend and bind, or the backend and server, and the file or option
     */
    void prepare(ProxyConfig config) {
        Map<BindKey, FrontendTls> loaded = new java.util.HashMap<>();
        for (FrontendConfig frontend : config.frontends().values()) {
            for (Address bind : frontend.binds()) {
                TlsBind settings = frontend.bindOptions(bind).tls();
                if (settings == null) {
                    continue;
                }
                BindKey key = new BindKey(settings, frontend.settings().mode() == Mode.HTTP);
                if (loaded.containsKey(key)) {
                    continue;
                }
                try {
                    FrontendTls tls = FrontendTls.load(settings, key.http(), ticketKeys);
                    FrontendTls running = binds.get(key);
                    loaded.put(key, running != null && running.bundles().equals(tls.bundles()) ? running : tls);
                    warnAboutAlpn(frontend, bind, tls);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(
                            "frontend '" + frontend.name() + "': bind '" + bind + "': ssl: " + e.getMessage(), e);
                }
            }
        }
        Map<ServerTls, SslContext> clients = new java.util.HashMap<>();
        for (BackendConfig backend : config.backends().values()) {
            for (ServerConfig server : backend.servers()) {
                ServerTls tls = server.tls();
                if (tls != null && !clients.containsKey(tls)) {
                    try {
                        clients.put(tls, clientContext(tls));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException(
                                "backend '" + backend.name() + "': server '" + server.name() + "': ssl: "
                                        + e.getMessage(),
                                e);
                    }
                }
            }
        }
        binds.keySet().retainAll(loaded.keySet());
        binds.putAll(loaded);
        servers.keySet().retainAll(clients.keySet());
        servers.putAll(clients);
    }

    private static void warnAboutAlpn(FrontendConfig frontend, Address bind, FrontendTls tls) {
        List<String> asked = tls.settings().alpn();
        List<String> offered = tls.offeredProtocols();
        if (!asked.equals(offered)) {
            log.warn("frontend '" + frontend.name() + "': bind '" + bind + "': alpn " + String.join(",", asked)
                    + ": only " + (offered.isEmpty() ? "no protocol" : String.join(",", offered))
                    + " is offered (in mode http Fjord speaks h2 and http/1.x)");
        }
    }

    /** The TLS of a bind ({@link #prepare}d; loaded now otherwise). */
    FrontendTls frontend(TlsBind settings, boolean http) {
        return binds.computeIfAbsent(new BindKey(settings, http), key -> FrontendTls.load(settings, http, ticketKeys));
    }

    /** The client context of a server's TLS ({@link #prepare}d; made now otherwise, e.g. for a server added). */
    SslContext server(ServerTls tls) {
        return servers.computeIfAbsent(tls, TlsRuntime::clientContext);
    }

    /** The names of the certificates binds serve, as {@code show ssl cert} lists them. */
    List<String> certificateNames() {
        List<String> names = new ArrayList<>();
        binds.values()
                .forEach(bind -> bind.certificateNames().stream()
                        .filter(name -> !names.contains(name))
                        .forEach(names::add));
        return names;
    }

    /** Whether a bind serves a certificate named {@code name}. */
    /**
     * Staples {@code response} on every bind to the certificates it is about, from their next handshakes on.
     *
     * @return the names of those certificates; empty when it is about none (nothing changes then)
     */
    List<String> staple(OcspResponse response) {
        java.time.Instant now = java.time.Instant.now();
        List<String> names = new ArrayList<>();
        for (FrontendTls bind : binds.values()) {
            names.addAll(bind.staple(response, now));
        }
        return names;
    }

    boolean knows(String name) {
        return binds.values().stream().anyMatch(bind -> bind.uses(name));
    }

    /**
     * Serves {@code bundle} on every bind that has a certificate of its name, from the next handshake on.
     *
     * @return the number of binds changed
     * @throws IllegalArgumentException when the TLS library refuses the certificate (no bind changed then)
     */
    synchronized int replaceCertificate(PemBundle bundle) {
        List<FrontendTls> users =
                binds.values().stream().filter(bind -> bind.uses(bundle.name())).toList();
        users.forEach(bind -> bind.replace(bundle));
        return users.size();
    }

    /**
     * The client context of {@code tls}: the CA file or the JDK's CAs (verify required) or none (verify none), the
     * client certificate ({@code crt}), versions, ciphers and ALPN.
     *
     * @throws IllegalArgumentException naming the file that is missing or wrong
     */
    static SslContext clientContext(ServerTls tls) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(TlsProvider.provider())
                .endpointIdentificationAlgorithm(null) // per connection: the SNI's or verifyhost's name, when any
                .protocols(TlsProvider.protocols(tls.minVersion(), tls.maxVersion()));
        if (tls.verify() == TlsVerify.NONE) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (tls.caFile() != null) {
            builder.trustManager(PemBundle.caCertificates(Objects.requireNonNull(tls.caFile()))
                    .toArray(new X509Certificate[0]));
        } // @system-ca: the JDK's default trust managers
        if (tls.certificate() != null) {
            PemBundle client = PemBundle.read(Objects.requireNonNull(tls.certificate()));
            builder.keyManager(client.key(), client.chain().toArray(new X509Certificate[0]));
        }
        TlsProvider.alpn(builder, tls.alpn());
        List<String> ciphers = TlsProvider.ciphers(tls.ciphers(), tls.cipherSuites());
        if (ciphers != null) {
            builder.ciphers(ciphers);
        }
        try {
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
