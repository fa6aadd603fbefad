package dev.fjord.lb.core.haproxy;

import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.ServerConfig;
import dev.fjord.lb.core.ServerTls;
import dev.fjord.lb.core.TlsVerify;
import dev.fjord.lb.core.TlsVersion;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * The TLS options of {@code server} and {@code default-server} lines: {@code ssl}, {@code check-ssl},
 * {@code verify none|required}, {@code ca-file FILE|@system-ca}, {@code crt FILE}, {@code sni EXPRESSION},
 * {@code check-sni NAME}, {@code verifyhost NAME}, {@code alpn LIST}, {@code ssl-min-ver}, {@code ssl-max-ver} (and
 * {@code no-sslv3}, {@code no-tlsv1x}, {@code force-tlsv1x}), {@code ciphers}, {@code ciphersuites},
 * {@code no-tls-tickets}, {@code tls-tickets}.
 * Files must be readable; a server with {@code ssl} and no {@code verify} is verified unless the global section
 * says {@code ssl-server-verify none}, as in HAProxy.
 */
final class ServerTlsOptions {
    static final Set<String> OPTIONS = Set.of(
            "ssl",
            "check-ssl",
            "verify",
            "ca-file",
            "crt",
            "sni",
            "check-sni",
            "verifyhost",
            "alpn",
            "ssl-min-ver",
            "ssl-max-ver",
            "no-sslv3",
            "no-tlsv10",
            "no-tlsv11",
            "no-tlsv13",
            "force-tlsv12",
            "force-tlsv13",
            "ciphers",
            "ciphersuites",
            "no-tls-tickets",
            "tls-tickets");

    private ServerTlsOptions() {}

    /**
     * The versions a version option set ({@code no-tlsv11} sets a minimum of TLSv1.2 whatever a {@code default-server}
     * said: the server line's word is taken as it is).
     */
    static Consumer<ServerTls.Builder> versions(@Nullable TlsVersion[] range) {
        TlsVersion min = range[0];
        TlsVersion max = range[1];
        return t -> {
            if (min != null) {
                t.minVersion(min);
            }
            if (max != null) {
                t.maxVersion(max);
            }
        };
    }

    /** Whether {@code line} says {@code verify} from word {@code from} on. */
    static boolean saysVerify(Line line, int from) {
        return line.words().subList(Math.min(from, line.size()), line.size()).contains("verify");
    }

    /**
     * Applies the TLS option at word {@code i} of {@code line}.
     *
     * @return the index of its last word; -1 when the word is not a TLS option
     */
    static int apply(ServerConfig.Builder s, Line line, int i, TlsImport tls) {
        String option = line.arg(i);
        TlsVersion[] range = {null, null};
        int last = BindKeywords.versionOption(line, i, range);
        if (last >= 0) {
            s.tlsOptions(versions(range));
            return last;
        }
        switch (option) {
            case "ssl" -> s.ssl(t -> {});
            case "check-ssl" -> s.checkSsl();
            case "verify" -> {
                TlsVerify verify = switch (BindKeywords.value(line, ++i, option)) {
                    case "none" -> TlsVerify.NONE;
                    case "required" -> TlsVerify.REQUIRED;
                    default ->
                        throw new IllegalArgumentException("verify '" + line.arg(i) + "' (expected: none or required)");
                };
                s.tlsOptions(t -> t.verify(verify));
            }
            case "ca-file" -> {
                String file = BindKeywords.value(line, ++i, option);
                String path = file.equals(ServerTls.SYSTEM_CA) ? file : tls.caFile(file);
                s.tlsOptions(t -> t.caFile(path));
            }
            case "crt" -> {
                String file = tls.certificate("crt", BindKeywords.value(line, ++i, option));
                s.tlsOptions(t -> t.crt(file));
            }
            case "sni" -> {
                String expression = BindKeywords.value(line, ++i, option);
                s.tlsOptions(t -> t.sni(expression));
            }
            case "check-sni" -> {
                String name = BindKeywords.value(line, ++i, option);
                s.tlsOptions(t -> t.checkSni(name));
            }
            case "verifyhost" -> {
                String name = BindKeywords.value(line, ++i, option);
                s.tlsOptions(t -> t.verifyHost(name));
            }
            case "alpn" -> {
                String[] protocols = BindKeywords.value(line, ++i, option).split(",", -1);
                s.tlsOptions(t -> t.alpn(protocols));
            }
            case "ciphers" -> {
                String ciphers = BindKeywords.value(line, ++i, option);
                s.tlsOptions(t -> t.ciphers(ciphers));
            }
            case "ciphersuites" -> {
                String suites = BindKeywords.value(line, ++i, option);
                s.tlsOptions(t -> t.cipherSuites(suites));
            }
            case "no-tls-tickets" -> s.tlsOptions(t -> t.tlsTickets(false));
            case "tls-tickets" -> s.tlsOptions(t -> t.tlsTickets(true));
            default -> {
                return -1;
            }
        }
        return i;
    }
}
