package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.AccessLogEntry;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.CustomLogFormat;
import dev.fjord.lb.core.HeaderEdit;
import dev.fjord.lb.core.LogMask;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;

/**
 * {@code unique-id-format} and {@code unique-id-header}: each request routed gets an ID made from what is known then,
 * sent to the server in the header (before {@code X-Forwarded-For}), read by {@code %[unique-id]} and logged as
 * {@code %ID}.
 */
class UniqueIdTest {
    private static final long PID = ProcessHandle.current().pid();

    private static Router router(String frontendLines) {
        return Router.of(HaproxyImport.parse(
                        "defaults\n    mode http\n    option forwardfor\nfrontend www\n    bind :80\n" + frontendLines
                                + "    default_backend app\nbackend app\n    server web1 127.0.0.1:8001\n",
                        "haproxy.cfg",
                        Map.of())
                .builder()
                .build());
    }

    /** The request of the manual's example: 127.0.0.1:33430 to 127.0.0.30:8080, accepted at 0x4F7B0A69 s. */
    private static RequestHead manualsRequest() {
        return RequestHead.builder()
                .uri("/a")
                .client("127.0.0.1", 0x8296)
                .localAddress("127.0.0.30")
                .localPort(8080)
                .acceptedAtMillis(0x4F7B0A69L * 1000 + 5)
                .requestCounter(3)
                .build();
    }

    @Test
    void theManualsFormatMakesTheManualsIdAndTheHeaderPrecedesXForwardedFor() {
        Router router = router("""
                    unique-id-format %{+X}o\\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid
                    unique-id-header X-Unique-ID
                """);

        RouteDecision.Forward forward = router.route(manualsRequest()).asForward();

        String id = "7F000001:8296_7F00001E:1F90_4F7B0A69_0003:" + String.format("%04X", PID);
        assertThat(forward.request().uniqueId()).isEqualTo(id);
        assertThat(forward.requestEdits())
                .containsExactly(
                        new HeaderEdit.Add("X-Unique-ID", id), new HeaderEdit.Add("X-Forwarded-For", "127.0.0.1"));
        assertThat(forward.forwardedRequest().header("X-Unique-ID")).isEqualTo(id);
    }

    @Test
    void withoutTheXFlagNumbersAreDecimalAndSpacesSeparate() {
        Router router = router("    unique-id-format \"%ci:%cp %fi:%fp %Ts.%ms %rt\"\n");

        RouteDecision decision = router.route(manualsRequest());

        assertThat(decision.routedRequest().uniqueId()).isEqualTo("127.0.0.1:33430 127.0.0.30:8080 1333463657.005 3");
        assertThat(decision.asForward().requestEdits())
                .as("no unique-id-header: the ID is not sent")
                .containsExactly(new HeaderEdit.Add("X-Forwarded-For", "127.0.0.1"));
    }

    @Test
    void uuidsDifferPerRequestAndRulesReadTheId() {
        Router router = router("""
                    unique-id-format %[uuid()]
                    http-request set-header X-Request-ID %[unique-id]
                    http-request set-header X-Trace id=%ID
                """);

        RouteDecision.Forward first = router.route(RequestHead.get("/")).asForward();
        RouteDecision.Forward second = router.route(RequestHead.get("/")).asForward();

        String id = first.request().uniqueId();
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(second.request().uniqueId()).isNotEqualTo(id);
        assertThat(first.forwardedRequest().header("X-Request-ID")).isEqualTo(id);
        assertThat(first.forwardedRequest().header("X-Trace")).isEqualTo("id=" + id);
    }

    @Test
    void aDeniedRequestKeepsItsIdForTheLog() {
        Router router = router("    unique-id-format %[uuid(4)]\n    http-request deny\n");

        RouteDecision denied = router.route(RequestHead.get("/"));

        assertThat(denied.asRespond().response().status()).isEqualTo(403);
        assertThat(denied.routedRequest().uniqueId()).hasSize(36);
    }

    @Test
    void withoutAFormatThereIsNoIdAndTheHeaderAloneSendsNothing() {
        Router router =
                router("    unique-id-header X-Unique-ID\n    http-request set-header X-Request-ID %[unique-id]\n");

        RouteDecision.Forward forward = router.route(RequestHead.get("/")).asForward();

        assertThat(forward.request().uniqueId()).isNull();
        assertThat(forward.forwardedRequest().header("X-Unique-ID")).isNull();
        assertThat(forward.forwardedRequest().header("X-Request-ID")).isEmpty();
    }

    @Test
    void theDefaultsGiveTheFormatToEveryFrontend() {
        Router router = Router.of(
                HaproxyImport.parse("""
                        defaults
                            mode http
                            unique-id-format %{+X}o%ci%cp
                            unique-id-header X-ID
                        frontend www
                            bind :80
                            default_backend app
                        backend app
                            server web1 127.0.0.1:8001
                        """, "haproxy.cfg", Map.of()).builder().build());

        RouteDecision.Forward forward = router.route(
                        RequestHead.builder().client("10.0.0.1", 80).build())
                .asForward();

        assertThat(forward.forwardedRequest().header("X-ID")).isEqualTo("0A0000010050");
    }

    @Test
    void whatIsNotKnownWhenARequestIsRoutedIsRefusedWithItsLine() {
        assertThatThrownBy(() -> router("    unique-id-format %ci_%ST\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:6")
                .hasMessageContaining("unique-id-format: '%ST' is not known when the request is routed")
                .hasMessageContaining("%rt, %pid");
        assertThatThrownBy(() -> router("    unique-id-format %[uuid(7)]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("uuid version 7 (expected: 4)");
        assertThatThrownBy(() -> router("    unique-id-header X:ID\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unique-id-header 'X:ID' (expected: a header name)");
    }

    @Test
    void theLogPrintsTheIdAsIdOrADash() throws java.net.UnknownHostException {
        CustomLogFormat format = CustomLogFormat.parse("%ci %{+Q}ID %{+X}o %cp %Ts");
        AccessLogEntry logged = entry("4F7B0A69-0003");
        AccessLogEntry none = entry(null);

        assertThat(format.format(logged, LogMask.NONE, ZoneOffset.UTC, "lb1", 1))
                .isEqualTo("192.0.2.7 \"4F7B0A69-0003\" 8296 4F7B0A69");
        assertThat(format.format(none, LogMask.NONE, ZoneOffset.UTC, "lb1", 1))
                .isEqualTo("192.0.2.7 \"-\" 8296 4F7B0A69");
    }

    private static AccessLogEntry entry(@Nullable String uniqueId) throws java.net.UnknownHostException {
        AccessLogEntry.Details details = new AccessLogEntry.Details(
                -1, 0, 0, null, null, null, null, List.of(), List.of(), null, null, uniqueId);
        return new AccessLogEntry(
                InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 7}),
                0x8296,
                0x4F7B0A69L * 1000,
                "www",
                "app",
                "web1",
                0,
                0,
                0,
                0,
                0,
                200,
                0,
                "----",
                0,
                0,
                0,
                0,
                0,
                false,
                0,
                0,
                "GET / HTTP/1.1",
                0,
                details);
    }
}
