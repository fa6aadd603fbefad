package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.internal.InetAddresses;

class AccessLogFormatTest {
    private static final long ACCEPTED = 1_795_534_788_123L; // 2026-11-24T15:39:48.123Z

    private static AccessLogEntry entry(String client, String requestLine) {
        return new AccessLogEntry(
                InetAddresses.parseLiteral(client),
                51000,
                ACCEPTED,
                "main",
                "app",
                "web1",
                0,
                0,
                1,
                2,
                3,
                200,
                345,
                "--NI",
                1,
                1,
                0,
                0,
                0,
                false,
                0,
                0,
                requestLine);
    }

    @Test
    void httplogIsHaproxysLineFieldForField() {
        AccessLogFormat format = new AccessLogFormat(LogFormat.HTTP, LogMask.NONE, ZoneOffset.UTC);

        assertThat(format.format(entry("203.0.113.7", "GET /cart?id=1 HTTP/1.1")))
                .isEqualTo("203.0.113.7:51000 [24/Nov/2026:15:39:48.123] main app/web1 0/0/1/2/3 200 345 - - --NI "
                        + "1/1/0/0/0 0/0 \"GET /cart?id=1 HTTP/1.1\"");
    }

    @Test
    void unreachedStagesAndMissingServerPrintAsHaproxyDoes() {
        AccessLogEntry denied = new AccessLogEntry(
                InetAddresses.parseLiteral("::1"),
                4000,
                ACCEPTED,
                "main",
                null,
                null,
                0,
                -1,
                -1,
                -1,
                0,
                403,
                188,
                "PR--",
                1,
                1,
                0,
                0,
                0,
                false,
                0,
                0,
                "GET /admin HTTP/1.1");

        assertThat(new AccessLogFormat(LogFormat.HTTP, LogMask.NONE, ZoneOffset.UTC).format(denied))
                .isEqualTo("::1:4000 [24/Nov/2026:15:39:48.123] main main/<NOSRV> 0/-1/-1/-1/0 403 188 - - PR-- "
                        + "1/1/0/0/0 0/0 \"GET /admin HTTP/1.1\"");
    }

    @Test
    void tcplogAndRetriesWithRedispatch() {
        AccessLogEntry session = new AccessLogEntry(
                InetAddresses.parseLiteral("10.1.2.3"),
                6000,
                ACCEPTED,
                "sql",
                "db",
                "db2",
                -1,
                0,
                2,
                -1,
                1500,
                -1,
                4096,
                "----",
                3,
                2,
                2,
                1,
                1,
                true,
                0,
                0,
                null);

        assertThat(new AccessLogFormat(LogFormat.TCP, LogMask.NONE, ZoneOffset.UTC).format(session))
                .isEqualTo("10.1.2.3:6000 [24/Nov/2026:15:39:48.123] sql db/db2 0/2/1500 4096 -- 3/2/2/1/+1 0/0");
    }

    @Test
    void clientAddressesCanBeMasked() {
        AccessLogFormat masked = new AccessLogFormat(LogFormat.HTTP, new LogMask(24, 64), ZoneOffset.UTC);

        assertThat(masked.format(entry("203.0.113.7", "GET / HTTP/1.1"))).startsWith("203.0.113.0:51000 ");
        assertThat(masked.format(entry("2001:db8:1:2:3:4:5:6", "GET / HTTP/1.1")))
                .startsWith("2001:db8:1:2:::51000 ");
    }

    @Test
    void controlCharactersAreEscaped() {
        AccessLogFormat format = new AccessLogFormat(LogFormat.HTTP, LogMask.NONE, ZoneOffset.UTC);

        assertThat(format.format(entry("127.0.0.1", "GET /a\"b#c\u001b[31m\u00e9 HTTP/1.1")))
                .endsWith("\"GET /a#22b#23c#1B[31m#E9 HTTP/1.1\"");
    }

    @Test
    void jsonCarriesTheSameFields() {
        AccessLogFormat json = new AccessLogFormat(LogFormat.JSON, new LogMask(24, 64), ZoneOffset.UTC);

        assertThat(json.format(entry("203.0.113.7", "GET /\"x\" HTTP/1.1")))
                .isEqualTo("{\"client_ip\":\"203.0.113.0\",\"client_port\":51000,\"accept_date\":"
                        + "\"24/Nov/2026:15:39:48.123\",\"frontend_name\":\"main\",\"backend_name\":\"app\","
                        + "\"server_name\":\"web1\",\"time_request\":0,\"time_queue\":0,\"time_connect\":1,"
                        + "\"time_response\":2,\"time_active\":3,\"status_code\":200,\"bytes_read\":345,"
                        + "\"termination_state\":\"--NI\",\"actconn\":1,\"feconn\":1,\"beconn\":0,\"srv_conn\":0,"
                        + "\"retries\":0,\"srv_queue\":0,\"backend_queue\":0,\"http_request\":\"GET "
                        + "/\\\"x\\\" HTTP/1.1\"}");
    }
}
