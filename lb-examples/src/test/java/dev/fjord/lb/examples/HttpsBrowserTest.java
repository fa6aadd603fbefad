package dev.fjord.lb.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.netty.FjordProxy;

/**
 * A real browser (Debian's headless Chromium) loads a page through Fjord over {@code https}: the certificate is the
 * test one, trusted by its public key pin ({@code --ignore-certificate-errors-spki-list}), and the browser's own record
 * of the navigation says it spoke HTTP/2 ({@code nextHopProtocol} {@code h2}, chosen by ALPN). Skips without chromium.
 */
class HttpsBrowserTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void chromiumLoadsAPageOverHttpsAndHttp2() throws Exception {
        assumeTrue(
                Files.isExecutable(WebDriver.CHROMEDRIVER) && Files.isExecutable(WebDriver.CHROMIUM),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        Path site = resource("tls/site-ecdsa.pem");
        try (DemoWebNode web1 = DemoWebNode.start("web1", "127.0.0.1", 0)) {
            ProxyConfig config = ProxyConfig.builder()
                    .defaults(d -> d.mode(Mode.HTTP))
                    .frontend(
                            "www",
                            f -> f.bind(
                                            "127.0.0.1:0",
                                            b -> b.ssl(t -> t.crt(site).alpn("h2", "http/1.1")))
                                    .defaultBackend("app"))
                    .backend(
                            "app",
                            b -> b.server("web1", "127.0.0.1:" + web1.address().getPort()))
                    .build();
            try (FjordProxy proxy =
                            FjordProxy.builder(Router.of(config)).ioThreads(1).start();
                    WebDriver browser = new WebDriver(List.of("--ignore-certificate-errors-spki-list=" + spki(site)))) {
                browser.open("https://localhost:" + proxy.address("www").getPort() + "/");

                assertThat(browser.script("return document.body.innerText")).contains("web1");
                assertThat(browser.script("return location.protocol")).isEqualTo("\"https:\"");
                String protocol =
                        browser.script("return performance.getEntriesByType('navigation')[0].nextHopProtocol");
                // ALPN offered h2 and the browser took it: HTTP/2 to Fjord, HTTP/1.1 from Fjord to web1
                assertThat(protocol).isEqualTo("\"h2\"");
                browser.screenshot(Path.of("target", "https-page.png"));
            }
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(HttpsBrowserTest.class.getClassLoader().getResource(name).toURI());
    }

    /** The base64 SHA-256 of the certificate's public key, as Chromium's pin list takes it. */
    private static String spki(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate certificate =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(certificate.getPublicKey().getEncoded());
            return Base64.getEncoder().encodeToString(digest);
        }
    }
}
