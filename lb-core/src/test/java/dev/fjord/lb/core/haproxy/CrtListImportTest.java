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
import dev.fjord.lb.core.CrtList;
import dev.fjord.lb.core.TlsBind;
import dev.fjord.lb.core.TlsVerify;
import dev.fjord.lb.core.TlsVersion;

/** {@code crt-list} files: their lines, options and filters, read relative to {@code crt-base}, errors by line. */
class CrtListImportTest {
    @TempDir
    Path dir;

    @BeforeEach
    void files() throws IOException {
        for (String name : List.of("default.pem", "a.pem", "wild.pem", "split.pem", "split.key", "ca.pem")) {
            Files.writeString(dir.resolve(name), "pem");
        }
    }

    @Test
    void eachLineHasItsCertificateFiltersAndOptions() {
        List<CrtList.Entry> entries = CrtList.parse(
                "certs.list",
                List.of(
                        "# comment",
                        "default.pem *",
                        "",
                        "a.pem [alpn http/1.1 ssl-min-ver TLSv1.3 verify required ca-file ca.pem] A.Example.com",
                        "wild.pem [no-alpn ciphers ECDHE-RSA-AES128-GCM-SHA256 curves P-384] *.example.com"
                                + " !secure.example.com !*.x",
                        "/abs/split.pem [key split.key]"),
                dir,
                dir.resolve("cas"));

        assertThat(entries).hasSize(4);
        CrtList.Entry first = entries.get(0);
        assertThat(first.certificate()).isEqualTo(dir.resolve("default.pem"));
        assertThat(first.fallback()).isTrue();
        assertThat(first.names()).isEmpty();
        assertThat(first.filtered()).isTrue(); // '*' alone: not the certificate's own names
        assertThat(first.options()).isEqualTo(CrtList.Options.NONE);
        assertThat(first.origin()).isEqualTo("crt-list certs.list:2");

        CrtList.Entry a = entries.get(1);
        assertThat(a.names()).containsExactly("a.example.com");
        assertThat(a.options())
                .isEqualTo(new CrtList.Options(
                        List.of("http/1.1"),
                        TlsVersion.TLS_1_3,
                        null,
                        null,
                        null,
                        dir.resolve("cas").resolve("ca.pem"), // from ca-base
                        TlsVerify.REQUIRED,
                        null));

        CrtList.Entry wild = entries.get(2);
        assertThat(wild.names()).containsExactly("*.example.com");
        assertThat(wild.excluded()).containsExactly("secure.example.com"); // a negated wildcard is ignored
        assertThat(wild.options().alpn()).isEmpty();
        assertThat(wild.options().ciphers()).isEqualTo("ECDHE-RSA-AES128-GCM-SHA256");
        assertThat(wild.options().curves()).isEqualTo("P-384");

        CrtList.Entry split = entries.get(3);
        assertThat(split.certificate()).isEqualTo(Path.of("/abs/split.pem")); // absolute: crt-base does not apply
        assertThat(split.key()).isEqualTo(dir.resolve("split.key"));
        assertThat(split.filtered()).isFalse(); // its certificate's names
    }

    @Test
    void aLinesSettingsAreTheBindsWithWhatItOverrides() {
        TlsBind bind = importedBind(
                "bind :8443 ssl crt-list certs.list alpn h2,http/1.1 ciphers AES128-SHA",
                "default.pem",
                "a.pem [alpn http/1.1 ssl-max-ver TLSv1.2] a.example.com");

        assertThat(bind.listed()).hasSize(2);
        assertThat(bind.settingsOf(bind.listed().get(0))).isSameAs(bind);
        TlsBind a = bind.settingsOf(bind.listed().get(1));
        assertThat(a.certificates()).containsExactly(dir.resolve("a.pem"));
        assertThat(a.alpn()).containsExactly("http/1.1");
        assertThat(a.maxVersion()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(a.minVersion()).isEqualTo(TlsVersion.TLS_1_2); // the bind's
        assertThat(a.ciphers()).isEqualTo("AES128-SHA"); // the bind's
    }

    @Test
    void wrongLinesAreReportedWithTheCfgLineAndTheCrtListLine() throws IOException {
        String bind = "haproxy.cfg:4: 'bind' in frontend 'main': ";
        assertThat(errors("a.pem [ocsp-update on]"))
                .containsExactly(bind
                        + "crt-list " + dir.resolve("certs.list")
                        + ":1: option 'ocsp-update' is not supported yet (supported in "
                        + "[...]: alpn, no-alpn, ssl-min-ver, ssl-max-ver, ciphers, ciphersuites, curves, ca-file,"
                        + " verify, key)");
        assertThat(errors("a.pem [alpn h2"))
                .singleElement()
                .asString()
                .endsWith(":1: '[' without ']'" + " (expected: PATH [OPTION ...] [SNI-FILTER ...])");
        assertThat(errors("default.pem", "a.pem [frobnicate]"))
                .singleElement()
                .asString()
                .endsWith(":2: unknown option 'frobnicate' (supported in [...]: alpn, no-alpn, ssl-min-ver,"
                        + " ssl-max-ver, ciphers, ciphersuites, curves, ca-file, verify, key)");
        assertThat(errors("a.pem [ssl-min-ver TLSv9]"))
                .singleElement()
                .asString()
                .endsWith(":1: ssl-min-ver 'TLSv9' (expected: SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3)");
        assertThat(errors("a.pem [ssl-min-ver TLSv1.3 ssl-max-ver TLSv1.2]"))
                .singleElement()
                .asString()
                .endsWith(":1: ssl-min-ver TLSv1.3 is above ssl-max-ver TLSv1.2 (expected: min <= max)");
        assertThat(errors("a.pem [verify required]"))
                .singleElement()
                .asString()
                .endsWith(":1: verify required without ca-file (expected: ca-file FILE naming the CAs client"
                        + " certificates chain to)");
        assertThat(errors("a.pem [alpn]")).singleElement().asString().endsWith(":1: 'alpn' needs a value");
        assertThat(errors("a.pem example.com [alpn h2]"))
                .singleElement()
                .asString()
                .endsWith(":1: '[alpn': options go in one [...] right after the path");
        assertThat(errors("# nothing"))
                .singleElement()
                .asString()
                .endsWith("crt-list " + dir.resolve("certs.list")
                        + ": no certificate (expected: lines PATH [[OPTION ...]] [SNI-FILTER ...])");
        // the files a line names must be there, as those of the bind line
        assertThat(errors("default.pem", "missing.pem a.example.com"))
                .containsExactly(bind + "crt-list "
                        + dir.resolve("certs.list") + ":2: certificate '" + dir.resolve("missing.pem")
                        + "': no such file (expected: a readable PEM file)");
        assertThat(errors("a.pem [key gone.key]"))
                .singleElement()
                .asString()
                .endsWith(":1: key '" + dir.resolve("gone.key") + "': no such file (expected: a readable PEM file)");
    }

    @Test
    void theJavaApiReadsTheCrtListWhenTheSettingsAreBuilt() {
        assertThatThrownBy(() -> dev.fjord.lb.core.ProxyConfig.builder()
                        .frontend(
                                "main",
                                f -> f.bind(":8443", b -> b.ssl(t -> t.crtList(dir + "/none.list")))
                                        .defaultBackend("app"))
                        .backend("app", b -> b.server("web1", "127.0.0.1:9000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("frontend 'main': bind ':8443': ssl: crt-list '" + dir + "/none.list': no such file");
    }

    private TlsBind importedBind(String bindLine, String... listLines) {
        write(listLines);
        HaproxyImport.Checked checked = check(bindLine);
        assertThat(checked.errors()).isEmpty();
        return checked.imported()
                .builder()
                .build()
                .frontends()
                .get("main")
                .bindOptions(Address.parse(":8443"))
                .tls();
    }

    private List<String> errors(String... listLines) {
        write(listLines);
        return check("bind :8443 ssl crt-list certs.list").errors();
    }

    private HaproxyImport.Checked check(String bindLine) {
        return HaproxyImport.check("""
                global
                    crt-base %s
                frontend main
                    %s
                    default_backend app
                backend app
                    server web1 127.0.0.1:9000
                """.formatted(dir, bindLine), "haproxy.cfg", Map.of());
    }

    private void write(String... lines) {
        try {
            Files.write(dir.resolve("certs.list"), List.of(lines));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
