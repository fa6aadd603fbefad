package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCSP stapling as HAProxy does it: {@code FILE.ocsp} beside a {@code crt} file is stapled when it is a good response
 * about that certificate, valid now, and ignored otherwise; {@code set ssl ocsp-response} replaces it at run time.
 * A test CA, certificate and responses are made by {@code openssl} in a temporary directory; {@code openssl s_client
 * -status} shows what was stapled.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OcspStaplingTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private String serial;

    @BeforeEach
    void certificates() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed (/usr/bin/openssl)");
        assumeTrue(TlsProvider.isNative(), "OCSP stapling needs BoringSSL (netty-tcnative)");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=OCSP Test CA");
        openssl(
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "site.key",
                "-out",
                "site.csr",
                "-subj",
                "/CN=localhost");
        Files.writeString(dir.resolve("ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl(
                "x509",
                "-req",
                "-in",
                "site.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "site.crt",
                "-days",
                "2",
                "-extfile",
                "ext");
        serial = openssl("x509", "-in", "site.crt", "-noout", "-serial").strip().substring("serial=".length());
        Files.writeString(
                dir.resolve("site.pem"),
                Files.readString(dir.resolve("site.crt"))
                        + Files.readString(dir.resolve("site.key"))
                        + Files.readString(dir.resolve("ca.pem")));
    }

    @Test
    void aGoodResponseBesideTheCertificateIsStapled() throws Exception {
        response("V", "site.pem.ocsp");
        int port = proxy(null);

        String status = status(port);
        assertThat(status).contains("OCSP Response Status: successful").contains("Cert Status: good");
        assertThat(status).contains("Serial Number: " + serial);
    }

    @Test
    void withoutAResponseOrWithAnUnusableOneNothingIsStapled() throws Exception {
        assertThat(status(proxy(null))).contains("OCSP response: no response sent");

        response("R", "site.pem.ocsp"); // revoked: HAProxy ignores it with a warning, and so does Fjord
        assertThat(status(proxy(null))).contains("OCSP response: no response sent");

        Files.write(dir.resolve("site.pem.ocsp"), new byte[] {0x30, 0x03, 0x0a, 0x01, 0x01}); // malformedRequest
        assertThat(status(proxy(null))).contains("OCSP response: no response sent");
    }

    @Test
    void theRuntimeSocketReplacesTheResponse() throws Exception {
        Path socket = dir.resolve("admin.sock");
        int port = proxy(socket);
        assertThat(status(port)).contains("no response sent");

        response("V", "good.der");
        String good = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("good.der")));
        assertThat(CertificateSwapTest.command(socket, "set ssl ocsp-response " + good))
                .isEqualTo("OCSP Response updated!\n\n");
        assertThat(status(port)).contains("Cert Status: good");

        response("R", "revoked.der");
        String revoked = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("revoked.der")));
        assertThat(CertificateSwapTest.command(socket, "set ssl ocsp-response <<\n" + revoked + "\n"))
                .startsWith("OCSP single response: Certificate ID does not match");
        assertThat(CertificateSwapTest.command(socket, "set ssl ocsp-response !!"))
                .isEqualTo("'set ssl ocsp-response' received invalid base64 encoded response.\n\n");
        assertThat(status(port)).contains("Cert Status: good"); // the good one stays
    }

    /** A response about the site certificate, {@code V}alid or {@code R}evoked in the CA index, in {@code out}. */
    private void response(String state, String out) throws Exception {
        String revoked = state.equals("R") ? "261128000000Z" : "";
        Files.writeString(
                dir.resolve("index.txt"),
                state + "\t301231235959Z\t" + revoked + "\t" + serial + "\tunknown\t/CN=localhost\n");
        openssl(
                "ocsp",
                "-index",
                "index.txt",
                "-rsigner",
                "ca.pem",
                "-rkey",
                "ca.key",
                "-CA",
                "ca.pem",
                "-issuer",
                "ca.pem",
                "-cert",
                "site.crt",
                "-respout",
                out,
                "-ndays",
                "1");
    }

    private int proxy(@org.jspecify.annotations.Nullable Path socket) {
        return fjord.start("""
                        global
                        %s
                        defaults
                            mode http
                            timeout client 5s
                        frontend main
                            bind 127.0.0.1:0 ssl crt %s
                            http-request return status 200 content-type text/plain string fjord
                        """.formatted(socket == null ? "" : "    stats socket " + socket, dir.resolve("site.pem")))
                .address("main")
                .getPort();
    }

    private String status(int port) throws Exception {
        return CommandRun.run(
                        dir,
                        300,
                        "/usr/bin/openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + port,
                        "-servername",
                        "localhost",
                        "-status")
                .out();
    }

    /** Runs {@code openssl arguments} in {@link #dir}; its standard output. */
    private String openssl(String... arguments) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("/usr/bin/openssl"));
        command.addAll(java.util.List.of(arguments));
        Path out = dir.resolve("openssl.out");
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(dir.resolve("openssl.err").toFile())
                .start();
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("openssl " + String.join(" ", arguments) + ": still running after 30 s");
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(
                    "openssl " + String.join(" ", arguments) + ": " + Files.readString(dir.resolve("openssl.err")));
        }
        return Files.readString(out);
    }
}
