package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.ServerTls;
import dev.fjord.lb.core.TlsBind;
import dev.fjord.lb.core.TlsVerify;
import dev.fjord.lb.core.TlsVersion;

/** {@code bind ... ssl ...} and {@code server ... ssl ...} imported; files checked with the line that names them. */
class TlsKeywordsTest {
    @TempDir
    Path dir;

    private String site;
    private String ca;

    @BeforeEach
    void files() throws IOException {
        site = Files.writeString(dir.resolve("site.pem"), "pem").toString();
        ca = Files.writeString(dir.resolve("ca.pem"), "pem").toString();
        Files.createDirectory(dir.resolve("certs"));
    }

    private static HaproxyImport.Checked check(String text) {
        return HaproxyImport.check(text, "haproxy.cfg", Map.of());
    }

    @Test
    void bindSslOptionsBecomeTheBindsTlsSettings() {
        HaproxyImport.Checked checked = check("""
                defaults
                    mode http
                frontend main
                    bind 127.0.0.1:8443 ssl crt %s crt %s alpn h2,http/1.1 ssl-min-ver TLSv1.3 \
                        ciphers ECDHE-ECDSA-AES128-GCM-SHA256 ciphersuites TLS_AES_128_GCM_SHA256 \
                        ca-file %s verify required strict-sni
                    bind 127.0.0.1:8080
                    default_backend app
                backend app
                    server web1 127.0.0.1:9000
                """.formatted(site, dir.resolve("certs"), ca));
        assertThat(checked.errors()).isEmpty();
        ProxyConfig config = checked.imported().builder().build();

        TlsBind tls = config.frontends()
                .get("main")
                .bindOptions(Address.parse("127.0.0.1:8443"))
                .tls();
        assertThat(tls).isNotNull();
        assertThat(tls.certificates()).containsExactly(Path.of(site), dir.resolve("certs"));
        assertThat(tls.alpn()).containsExactly("h2", "http/1.1");
        assertThat(tls.minVersion()).isEqualTo(TlsVersion.TLS_1_3);
        assertThat(tls.maxVersion()).isEqualTo(TlsVersion.TLS_1_3);
        assertThat(tls.ciphers()).isEqualTo("ECDHE-ECDSA-AES128-GCM-SHA256");
        assertThat(tls.cipherSuites()).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(tls.caFile()).isEqualTo(Path.of(ca));
        assertThat(tls.verify()).isEqualTo(TlsVerify.REQUIRED);
        assertThat(tls.strictSni()).isTrue();
        assertThat(config.frontends()
                        .get("main")
                        .bindOptions(Address.parse("127.0.0.1:8080"))
                        .tls())
                .isNull();
        assertThat(checked.report().warnings()).isEmpty(); // alpn h2: ALPN chooses HTTP/2 or HTTP/1.1
    }

    @Test
    void crtBaseAndCaBaseResolveRelativePathsAndOldVersionOptionsSetTheRange() {
        HaproxyImport.Checked checked = check("""
                global
                    crt-base %s
                    ca-base %s
                frontend main
                    bind :8443 ssl crt site.pem ca-file ca.pem verify optional no-sslv3 no-tlsv10 no-tlsv11 no-tlsv13
                    default_backend app
                backend app
                    server web1 127.0.0.1:9000
                """.formatted(dir, dir));
        assertThat(checked.errors()).isEmpty();
        TlsBind tls = checked.imported()
                .builder()
                .build()
                .frontends()
                .get("main")
                .bindOptions(Address.parse(":8443"))
                .tls();
        assertThat(tls.certificates()).containsExactly(Path.of(site));
        assertThat(tls.caFile()).isEqualTo(Path.of(ca));
        assertThat(tls.minVersion()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(tls.maxVersion()).isEqualTo(TlsVersion.TLS_1_2);
    }

    @Test
    void sslDefaultBindLinesComeFirstAndTheBindsOwnOptionsWin() {
        HaproxyImport.Checked checked = check("""
                global
                    ssl-default-bind-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256
                    ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256
                    ssl-default-bind-curves X25519:P-256
                    ssl-default-bind-options prefer-client-ciphers no-sslv3 no-tlsv10 no-tlsv11 no-tls-tickets
                frontend main
                    bind :8443 ssl crt %s
                    bind :8444 ssl crt %s ciphers AES128-SHA curves P-384 tls-tickets no-tlsv13
                    bind :8080
                    default_backend app
                backend app
                    server web1 127.0.0.1:9000
                """.formatted(site, site));
        assertThat(checked.errors()).isEmpty();
        var frontend = checked.imported().builder().build().frontends().get("main");

        TlsBind defaults = frontend.bindOptions(Address.parse(":8443")).tls();
        assertThat(defaults.ciphers()).isEqualTo("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256");
        assertThat(defaults.cipherSuites()).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(defaults.curves()).isEqualTo("X25519:P-256");
        assertThat(defaults.minVersion()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(defaults.maxVersion()).isEqualTo(TlsVersion.TLS_1_3);
        assertThat(defaults.tickets()).isFalse();
        assertThat(defaults.preferClientCiphers()).isTrue();
        TlsBind own = frontend.bindOptions(Address.parse(":8444")).tls();
        assertThat(own.ciphers()).isEqualTo("AES128-SHA");
        assertThat(own.curves()).isEqualTo("P-384");
        assertThat(own.tickets()).isTrue();
        assertThat(own.minVersion()).isEqualTo(TlsVersion.TLS_1_2); // the defaults' no-tlsv11, kept
        assertThat(own.maxVersion()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(frontend.bindOptions(Address.parse(":8080")).tls()).isNull(); // a plain bind stays plain

        assertThat(check("global\n    ssl-default-bind-options strict-sni\n").errors())
                .containsExactly("haproxy.cfg:2: 'ssl-default-bind-options' in global: 'strict-sni' is not supported"
                        + " yet in ssl-default-bind-options (supported: ssl-min-ver, ssl-max-ver, no-sslv3, no-tlsv10,"
                        + " no-tlsv11, no-tlsv13,"
                        + " force-tlsv12, force-tlsv13, no-tls-tickets, tls-tickets, prefer-client-ciphers)");
    }

    @Test
    void sslDefaultServerLinesComeUnderTheBackendsDefaultServerAndTheServerLine() {
        HaproxyImport.Checked checked = check("""
                global
                    ssl-default-server-ciphers ECDHE-ECDSA-AES128-GCM-SHA256
                    ssl-default-server-ciphersuites TLS_AES_128_GCM_SHA256
                    ssl-default-server-options no-sslv3 no-tlsv10 no-tlsv11 no-tls-tickets
                backend app
                    default-server verify none ssl-max-ver TLSv1.2
                    server defaults 127.0.0.1:9443 ssl
                    server own 127.0.0.1:9444 ssl ciphers AES128-SHA tls-tickets force-tlsv13
                    server plain 127.0.0.1:9000
                """);
        assertThat(checked.errors()).isEmpty();
        var servers = checked.imported().builder().build().backends().get("app").servers();

        ServerTls defaults = servers.get(0).tls();
        assertThat(defaults.ciphers()).isEqualTo("ECDHE-ECDSA-AES128-GCM-SHA256");
        assertThat(defaults.cipherSuites()).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(defaults.tickets()).isFalse();
        assertThat(defaults.minVersion()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(defaults.maxVersion()).isEqualTo(TlsVersion.TLS_1_2); // the backend's default-server
        ServerTls own = servers.get(1).tls();
        assertThat(own.ciphers()).isEqualTo("AES128-SHA");
        assertThat(own.tickets()).isTrue();
        assertThat(own.minVersion()).isEqualTo(TlsVersion.TLS_1_3);
        assertThat(own.maxVersion()).isEqualTo(TlsVersion.TLS_1_3);
        assertThat(servers.get(2).tls()).isNull();
    }

    @Test
    void aMissingCertificateOrCaFileIsReportedByPathWithItsLine() {
        HaproxyImport.Checked checked = check("""
                frontend main
                    bind :8443 ssl crt %s/missing.pem
                    bind :8444 ssl crt %s ca-file /no/ca.pem verify required
                    bind :8445 ssl
                    bind :8446 crt %s
                    bind :8447 ssl crt %s verify required
                    default_backend app
                backend app
                    server web1 127.0.0.1:9000 ssl crt /no/client.pem
                    server web2 127.0.0.1:9001 ssl
                """.formatted(dir, site, site, site));
        String bind = "'bind' in frontend 'main': ";
        assertThat(checked.errors())
                .containsExactly(
                        "haproxy.cfg:2: " + bind + "crt '" + dir + "/missing.pem': no such file"
                                + " (expected: a readable PEM file or directory)",
                        "haproxy.cfg:3: " + bind + "ca-file '/no/ca.pem': no such file"
                                + " (expected: a readable PEM file)",
                        "haproxy.cfg:4: " + bind + "bind ':8445': ssl: no certificate"
                                + " (expected: crt FILE|DIR or crt-list FILE)",
                        "haproxy.cfg:5: " + bind + "TLS options without 'ssl'"
                                + " (expected: bind ADDRESS ssl crt FILE ...)",
                        "haproxy.cfg:6: " + bind + "bind ':8447': ssl: verify required without ca-file"
                                + " (expected: ca-file FILE naming the CAs client certificates chain to)",
                        "haproxy.cfg:9: 'server' in backend 'app': crt '/no/client.pem': no such file"
                                + " (expected: a readable PEM file or directory)");
        // a server's TLS as a whole is checked when the configuration is built (which --check does next)
        assertThatThrownBy(() -> check("backend app\n    server web2 127.0.0.1:9001 ssl\n")
                        .imported()
                        .builder()
                        .build())
                .hasMessage("backend 'app': server 'web2': ssl with verify required (the default) and no ca-file "
                        + "(expected: ca-file FILE, ca-file @system-ca, or verify none)");
    }

    @Test
    void serverSslOptionsAndTheirDefaults() {
        HaproxyImport.Checked checked = check("""
                backend app
                    server verified 127.0.0.1:9443 ssl verify required ca-file %s sni req.hdr(host) \
                        alpn http/1.1 crt %s check
                    server unverified 127.0.0.1:9444 ssl verify none check port 9000
                    server checks-only 127.0.0.1:9445 check check-ssl verify none check-sni health.example.test
                    server host 127.0.0.1:9446 ssl ca-file @system-ca verifyhost api.example.test \
                        sni str(api.example.test) ssl-min-ver TLSv1.3
                """.formatted(ca, site));
        assertThat(checked.errors()).isEmpty();
        var servers = checked.imported().builder().build().backends().get("app").servers();

        ServerTls verified = servers.get(0).tls();
        assertThat(verified.traffic()).isTrue();
        assertThat(verified.checks()).isTrue(); // ssl, and the checks go where requests go
        assertThat(verified.verify()).isEqualTo(TlsVerify.REQUIRED);
        assertThat(verified.caFile()).isEqualTo(Path.of(ca));
        assertThat(verified.certificate()).isEqualTo(Path.of(site));
        assertThat(verified.alpn()).containsExactly("http/1.1");
        assertThat(verified.sni(RequestHead.builder()
                        .header("Host", "shop.example.test:8443")
                        .build()))
                .isEqualTo("shop.example.test");
        assertThat(verified.sni(
                        RequestHead.builder().header("Host", "127.0.0.1:8443").build()))
                .isNull();
        assertThat(servers.get(1).tls().checks()).isFalse(); // its checks have their own port
        ServerTls checksOnly = servers.get(2).tls();
        assertThat(List.of(checksOnly.traffic(), checksOnly.checks())).containsExactly(false, true);
        assertThat(checksOnly.checkServerName()).isEqualTo("health.example.test");
        ServerTls host = servers.get(3).tls();
        assertThat(host.systemCa()).isTrue();
        assertThat(host.checkServerName()).isEqualTo("api.example.test");
        assertThat(host.nameToVerify(null)).isEqualTo("api.example.test");
        assertThat(host.minVersion()).isEqualTo(TlsVersion.TLS_1_3);
    }

    @Test
    void sslServerVerifyNoneIsTheDefaultOfServersThatDoNotSayVerify() {
        HaproxyImport.Checked checked = check("""
                global
                    ssl-server-verify none
                backend app
                    server web1 127.0.0.1:9443 ssl
                    server web2 127.0.0.1:9444 ssl verify required ca-file %s
                """.formatted(ca));
        assertThat(checked.errors()).isEmpty();
        var servers = checked.imported().builder().build().backends().get("app").servers();
        assertThat(servers.get(0).tls().verify()).isEqualTo(TlsVerify.NONE);
        assertThat(servers.get(1).tls().verify()).isEqualTo(TlsVerify.REQUIRED);
    }

    @Test
    void unsupportedBindOptionsNameTheSupportedOnes() {
        assertThatThrownBy(() -> HaproxyImport.parse("""
                        frontend main
                            bind :8443 ssl crt %s ocsp-update on
                            default_backend app
                        backend app
                            server web1 127.0.0.1:9000
                        """.formatted(site), "haproxy.cfg", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:2: 'bind' in frontend 'main': bind option 'ocsp-update' is not "
                        + "supported yet (supported: accept-proxy, proto, backlog, defer-accept, tfo, transparent, "
                        + "tcp-ut, v4v6, v6only, name, id, ssl, crt,");
    }
}
