package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code userlist}, {@code http_auth}, {@code http_auth_group} and {@code http-request auth} through the proxy, side by
 * side with HAProxy ({@link HaproxyProcess}; that half skipped where it is not installed): the same statuses and
 * challenges for the same credentials, against SHA-512, SHA-256 and MD5 crypt hashes made by OpenSSL and a clear
 * password; the server sees only authorized requests.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AuthProxyTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private final RecordingHttpServer web = fjord.recordingServer();

    /** {@code openssl passwd -6 -salt saltsalt secret}; bob's and carol's by {@code -5} and {@code -1}. */
    private static final String ALICE_HASH =
            "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8w" + "iOQSpT0Y77vwPZN.Pq.H91p5hVO1";

    private String config(String bind) {
        return HaproxyProcess.HTTP_DEFAULTS + """
                userlist admins
                    group ops users alice,bob
                    group dev
                    user alice password ALICE_HASH
                    user bob password $5$pepper$HEqIcXsQ/VGqsnpY.FzO0H2YCzkgwtok90ffVQH3RpB
                    user carol password $1$pepper0$DJ8lkmk0Oe6QgTYA9BWiv/ groups dev
                    user dave insecure-password d4ve
                frontend fe
                    bind %s
                    http-request auth realm Admins if { path_beg /admin } !{ http_auth(admins) }
                    http-request deny if { path_beg /ops } !{ http_auth_group(admins) ops }
                    http-request auth if { path_beg /private } !{ http_auth(admins) }
                    default_backend app
                backend app
                    server web1 %s
                """.formatted(bind, web.address()).replace("ALICE_HASH", ALICE_HASH);
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    /** Per request: the status and the challenge, if any; then what the server got. */
    private List<String> run(InetSocketAddress proxy) throws Exception {
        List<String> seen = new ArrayList<>();
        String[][] requests = {
            {"/admin/1", null},
            {"/admin/2", basic("alice:secret")},
            {"/admin/3", basic("alice:wrong")},
            {"/admin/4", basic("bob:s3cret")},
            {"/admin/5", basic("carol:m5pass")},
            {"/admin/6", basic("dave:d4ve")},
            {"/admin/7", basic("erin:d4ve")},
            {"/ops/1", basic("bob:s3cret")},
            {"/ops/2", basic("carol:m5pass")},
            {"/private/1", null},
        };
        for (String[] request : requests) {
            try (RawClient client = new RawClient(proxy).timeout(5_000)) {
                String head = "GET " + request[0] + " HTTP/1.1\r\nHost: a\r\n"
                        + (request[1] == null ? "" : "Authorization: " + request[1] + "\r\n") + "\r\n";
                String response = client.send(head).readResponse();
                String challenge = "";
                for (String line : response.split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("www-authenticate:")) {
                        challenge = " " + line.substring(line.indexOf(':') + 1).strip();
                    }
                }
                seen.add(request[0] + " " + response.substring(9, 12) + challenge);
            }
        }
        seen.add("server got "
                + web.received().stream().map(r -> r.request().target()).toList());
        return seen;
    }

    @Test
    void credentialsAreCheckedAsHaproxyChecksThem() throws Exception {
        FjordProxy proxy = fjord.start(config("127.0.0.1:0"));
        List<String> byFjord = run(proxy.addresses("fe").get(0));

        assertThat(byFjord)
                .containsExactly(
                        "/admin/1 401 Basic realm=\"Admins\"",
                        "/admin/2 200",
                        "/admin/3 401 Basic realm=\"Admins\"",
                        "/admin/4 200",
                        "/admin/5 200",
                        "/admin/6 200",
                        "/admin/7 401 Basic realm=\"Admins\"",
                        "/ops/1 200",
                        "/ops/2 403",
                        "/private/1 401 Basic realm=\"fe\"",
                        "server got [/admin/2, /admin/4, /admin/5, /admin/6, /ops/1]");

        web.clear();
        HaproxyProcess.seesTheSame(byFjord, dir, this::config, this::run);
    }
}
