package dev.fjord.lb.core.haproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.BindOptions;
import dev.fjord.lb.core.TlsBind;
import dev.fjord.lb.core.TlsVerify;
import dev.fjord.lb.core.TlsVersion;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * The options after a bind's address: {@code accept-proxy}, {@code proto h1|h2}, the socket's ({@code backlog},
 * {@code defer-accept}, {@code tfo}, {@code transparent}, {@code tcp-ut}, {@code v4v6}, {@code v6only}), those that
 * change nothing in Fjord and are reported ({@code name}, {@code id}, {@code process}, {@code thread}, {@code nice},
 * {@code npn}, ...), and TLS: {@code ssl}, {@code crt
 * FILE|DIR} (repeated), {@code crt-list FILE}, {@code alpn LIST}, {@code ssl-min-ver}, {@code ssl-max-ver}, {@code
 * no-sslv3}, {@code no-tlsv10}, {@code no-tlsv11}, {@code no-tlsv13}, {@code force-tlsv12}, {@code force-tlsv13},
 * {@code ciphers}, {@code ciphersuites}, {@code curves} ({@code ecdhe}), {@code no-tls-tickets}, {@code tls-tickets},
 * {@code prefer-client-ciphers}, {@code ca-file}, {@code verify none|optional|required}, {@code strict-sni}; the
 * global {@code ssl-default-bind-*} settings come first, the line's own override them. Checked when read, so that an
 * error names its line; files must be readable.
 */
final class BindKeywords {
    private BindKeywords() {}

    /** The options of {@code line}, from word 2 on. */
    static Consumer<BindOptions.Builder> options(Line line, TlsImport tls) {
        boolean acceptProxy = false;
        boolean ssl = false;
        String[] proto = {null};
        List<Consumer<TlsBind.Builder>> settings = new ArrayList<>();
        TlsVersion[] range = tls.bindVersions(); // from ssl-default-bind-options, which the line's refine
        boolean versions = false;
        List<Consumer<BindOptions.Builder>> socket = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (int i = 2; i < line.size(); i++) {
            String option = line.arg(i);
            int last = versionOption(line, i, range);
            if (last >= 0) {
                i = last;
                versions = true;
                continue;
            }
            switch (option) {
                case "accept-proxy" -> acceptProxy = true;
                case "proto" -> { // h2: HTTP/2 from the first byte; h1: HTTP/1.x
                    proto[0] = value(line, ++i, option);
                    if (!proto[0].equals("h2") && !proto[0].equals("h1")) {
                        throw new IllegalArgumentException(
                                "proto '" + proto[0] + "' is not supported (supported: h1, h2)");
                    }
                }
                case "ssl" -> ssl = true;
                case "strict-sni" -> settings.add(TlsBind.Builder::strictSni);
                case "crt" -> {
                    String file = tls.certificate("crt", value(line, ++i, option));
                    settings.add(t -> t.crt(file));
                }
                case "crt-list" -> {
                    String file = tls.certificate("crt-list", value(line, ++i, option));
                    tls.crtList(file);
                    settings.add(t -> t.crtList(file, tls.crtBase(), tls.caBase()));
                }
                case "ca-file" -> {
                    String file = tls.caFile(value(line, ++i, option));
                    settings.add(t -> t.caFile(file));
                }
                case "alpn" -> {
                    String[] protocols = value(line, ++i, option).split(",", -1);
                    settings.add(t -> t.alpn(protocols));
                }
                case "ciphers" -> {
                    String ciphers = value(line, ++i, option);
                    settings.add(t -> t.ciphers(ciphers));
                }
                case "ciphersuites" -> {
                    String suites = value(line, ++i, option);
                    settings.add(t -> t.cipherSuites(suites));
                }
                case "verify" -> {
                    TlsVerify verify = TlsVerify.parse(value(line, ++i, option));
                    settings.add(t -> t.verify(verify));
                }
                case "curves" -> {
                    String curves = value(line, ++i, option);
                    settings.add(t -> t.curves(curves));
                }
                case "no-tls-tickets" -> settings.add(t -> t.tlsTickets(false));
                case "tls-tickets" -> settings.add(t -> t.tlsTickets(true));
                case "prefer-client-ciphers" -> settings.add(TlsBind.Builder::preferClientCiphers);
                case "ecdhe" -> { // the one curve of older configurations
                    String curve = value(line, ++i, option);
                    settings.add(t -> t.curves(curve));
                }
                case "backlog" -> {
                    int backlog = Values.integer(value(line, ++i, option));
                    socket.add(b -> b.backlog(backlog));
                }
                case "tcp-ut" -> {
                    java.time.Duration timeout = Values.time(line, ++i);
                    socket.add(b -> b.userTimeout(timeout));
                }
                case "v4v6" -> socket.add(BindOptions.Builder::v4v6);
                case "v6only" -> socket.add(BindOptions.Builder::v6only);
                case "defer-accept" -> socket.add(BindOptions.Builder::deferAccept);
                case "tfo" -> socket.add(BindOptions.Builder::fastOpen);
                case "transparent" -> socket.add(BindOptions.Builder::transparent);
                // names and placement of the listener (stats per listener, processes, threads), the NPN of old
                // browsers: nothing in Fjord reads them
                case "name", "id", "nice", "process", "thread", "shards", "npn", "label", "guid-prefix" ->
                    ignored.add(option + " " + value(line, ++i, option));
                case "no-ca-names" -> ignored.add(option);
                default ->
                    throw new IllegalArgumentException("bind option '" + option + "' is not supported yet (supported: "
                            + "accept-proxy, proto, backlog, defer-accept, tfo, transparent, tcp-ut, v4v6, v6only, "
                            + "name, id, ssl, crt, crt-list, alpn, ssl-min-ver, ssl-max-ver, no-sslv3, "
                            + "no-tlsv10, no-tlsv11, no-tlsv13, force-tlsv12, force-tlsv13, ciphers, ciphersuites, "
                            + "curves, ecdhe, no-tls-tickets, tls-tickets, prefer-client-ciphers, ca-file, verify, "
                            + "strict-sni)");
            }
        }
        if (!ssl && (!settings.isEmpty() || versions)) {
            throw new IllegalArgumentException("TLS options without 'ssl' (expected: bind ADDRESS ssl crt FILE ...)");
        }
        if (!ignored.isEmpty()) {
            tls.warn(line, "bind options " + ignored + " ignored (nothing in Fjord reads them)");
        }
        settings.addAll(0, tls.bindDefaults()); // the line's own settings after, so that they win
        if (range[0] != null) {
            TlsVersion min = range[0];
            settings.add(t -> t.minVersion(min));
        }
        if (range[1] != null) {
            TlsVersion max = range[1];
            settings.add(t -> t.maxVersion(max));
        }
        boolean proxy = acceptProxy;
        boolean terminate = ssl;
        String protocol = proto[0];
        return b -> {
            socket.forEach(option -> option.accept(b));
            if (proxy) {
                b.acceptProxy();
            }
            if (protocol != null) {
                b.proto(protocol);
            }
            if (terminate) {
                b.ssl(t -> settings.forEach(setting -> setting.accept(t)));
            }
        };
    }

    /**
     * The version option at word {@code i} of {@code line} ({@code ssl-min-ver V}, {@code ssl-max-ver V},
     * {@code no-sslv3}, {@code no-tlsv10}, {@code no-tlsv11}, {@code no-tlsv13}, {@code force-tlsv12},
     * {@code force-tlsv13}) applied to {@code range} (min, max; null: the default); the index of its last word, or -1
     * when the word is no version option.
     */
    static int versionOption(Line line, int i, @Nullable TlsVersion[] range) {
        String option = line.arg(i);
        switch (option) {
            case "ssl-min-ver" -> range[0] = TlsImport.version(option, value(line, ++i, option));
            case "ssl-max-ver" -> range[1] = TlsImport.version(option, value(line, ++i, option));
            case "no-sslv3" -> range[0] = higher(range[0], TlsVersion.TLS_1_0);
            case "no-tlsv10" -> range[0] = higher(range[0], TlsVersion.TLS_1_1);
            case "no-tlsv11" -> range[0] = higher(range[0], TlsVersion.TLS_1_2);
            case "no-tlsv13" -> range[1] = TlsVersion.TLS_1_2;
            case "force-tlsv12" -> range[0] = range[1] = TlsVersion.TLS_1_2;
            case "force-tlsv13" -> range[0] = range[1] = TlsVersion.TLS_1_3;
            default -> {
                return -1;
            }
        }
        return i;
    }

    /** {@code no-sslv3} and the like: the minimum at least {@code floor}. */
    private static TlsVersion higher(@Nullable TlsVersion current, TlsVersion floor) {
        return current == null || current.compareTo(floor) < 0 ? floor : current;
    }

    static String value(Line line, int index, String option) {
        if (index >= line.size()) {
            throw new IllegalArgumentException("'" + option + "' needs a value");
        }
        return line.arg(index);
    }
}
