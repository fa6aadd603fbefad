package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.internal.InetAddresses;

/**
 * {@code log-format}, {@code option httplog clf} and the syslog formats, each against the line HAProxy 2.6.12 wrote
 * for the same request and configuration.
 */
class CustomLogFormatTest {
    private static final long ACCEPTED = 1_795_534_788_123L; // 2026-11-24T15:39:48.123Z
    private static final String HTTPLOG = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc "
            + "%ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r";

    private static AccessLogEntry entry(int status, String termination, int retries) {
        return new AccessLogEntry(
                InetAddresses.parseLiteral("127.0.0.1"),
                37658,
                ACCEPTED,
                "a",
                null,
                null,
                0,
                -1,
                -1,
                -1,
                0,
                status,
                73,
                termination,
                1,
                1,
                0,
                0,
                retries,
                false,
                0,
                0,
                "GET /p/a?x=1&y=2 HTTP/1.1");
    }

    private static String format(String format, AccessLogEntry entry) {
        return CustomLogFormat.parse(format).format(entry, LogMask.NONE, ZoneOffset.UTC, "vm", 23037);
    }

    @Test
    void httplogWrittenAsALogFormatIsTheBuiltInLine() {
        AccessLogEntry entry = entry(200, "LR--", 0);

        assertThat(format(HTTPLOG, entry))
                .isEqualTo(new AccessLogFormat(LogFormat.HTTP, LogMask.NONE, ZoneOffset.UTC).format(entry))
                .isEqualTo("127.0.0.1:37658 [24/Nov/2026:15:39:48.123] a a/<NOSRV> 0/-1/-1/-1/0 200 73 - - LR-- "
                        + "1/1/0/0/0 0/0 \"GET /p/a?x=1&y=2 HTTP/1.1\"");
    }

    @Test
    void clfQuotesStringsAndKeepsItsEmptyCaptures() {
        // HAProxy 2.6.12, same request: 127.0.0.1 - - [28/Nov/2026:10:29:13 +0000] "GET /p/a?x=1&y=2 HTTP/1.1" 200
        // 73 "" "" 37658 489 "a" "a" "<NOSRV>" 0 -1 -1 -1 0 LR-- 1 1 0 0 0 0 0 "" "" (a trailing space)
        assertThat(format(CustomLogFormat.HTTP_CLF, entry(200, "LR--", 0)))
                .isEqualTo("127.0.0.1 - - [24/Nov/2026:15:39:48 +0000] \"GET /p/a?x=1&y=2 HTTP/1.1\" 200 73 \"\" \"\" "
                        + "37658 123 \"a\" \"a\" \"<NOSRV>\" 0 -1 -1 -1 0 LR-- 1 1 0 0 0 0 0 \"\" \"\" ");
    }

    @Test
    void requestPartsDatesAndFlagsAsHaproxyWritesThem() {
        // HAProxy 2.6.12 wrote "GET" "/p/a" "/p/a" "?x=1&y=2" "/p/a?x=1&y=2" "HTTP/1.1" "vm" 23037 LR "c" ...
        assertThat(format("%{+Q}o %HM %HP %HPO %HQ %HU %HV %H %pid %ts %ST %%", entry(200, "LR--", 0)))
                .isEqualTo(
                        "\"GET\" \"/p/a\" \"/p/a\" \"?x=1&y=2\" \"/p/a?x=1&y=2\" \"HTTP/1.1\" \"vm\" 23037 LR 200 %");
        assertThat(format("%t|%T|%Ts|%ms|%trg", entry(200, "LR--", 0)))
                .isEqualTo("24/Nov/2026:15:39:48.123|24/Nov/2026:15:39:48 +0000|1795534788|123"
                        + "|24/Nov/2026:15:39:48 +0000");
        assertThat(format("[%{+E}HU]", entry(200, "LR--", 0))).isEqualTo("[/p/a?x=1&y=2]");
        assertThat(format("%{+Q}ci:%cp", entry(200, "LR--", 0))).isEqualTo("\"127.0.0.1\":37658");
    }

    @Test
    void unknownAndMissingVariablesAreRefused() {
        assertThatThrownBy(() -> CustomLogFormat.parse("%ci %zz"))
                .hasMessageStartingWith("'%zz' is not a log-format variable (expected one of: [");
        assertThatThrownBy(() -> CustomLogFormat.parse("%[src,djb2]"))
                .hasMessage("sample 'src,djb2': converter 'djb2' is not supported yet (expected: lower, upper, "
                        + "base64, ipmask(BITS4[,BITS6]), regsub(REGEX,SUBST[,FLAGS]), "
                        + "field(INDEX,DELIMITERS[,COUNT]), word(INDEX,DELIMITERS[,COUNT]), length, url_dec, "
                        + "ltrim(CHARS), rtrim(CHARS), hex, sha1, sha2([BITS]), json or "
                        + "map[_str|_beg|_end|_sub|_dir|_dom|_reg|_int|_ip][_str|_int|_ip](FILE[,DEFAULT]))");
        assertThatThrownBy(() -> CustomLogFormat.parse("%[src")).hasMessage("sample expression '%[src' without ']'");
        assertThatThrownBy(() -> CustomLogFormat.parse("%{+Z}o %ci")).hasMessageStartingWith("flag '+Z'");
    }

    @Test
    void failedRequestsAreThoseHaproxyLogsWithDontlogNormal() {
        assertThat(entry(200, "----", 0).failed()).isFalse();
        assertThat(entry(200, "LR--", 0).failed()).isFalse();
        assertThat(entry(503, "SC--", 0).failed()).isTrue();
        assertThat(entry(200, "----", 1).failed()).isTrue();
        assertThat(entry(200, "LR--", 1).failed())
                .as("retries count only for a normal end")
                .isFalse();
        assertThat(entry(200, "CD--", 0).failed()).isTrue();
        assertThat(entry(502, "----", 0).failed()).isTrue();
    }

    @Test
    void syslogFormatsAsHaproxyWritesThem() {
        ZonedDateTime time = ZonedDateTime.of(2026, 11, 28, 10, 27, 40, 804_864_000, ZoneOffset.UTC);
        LogTarget local0 = LogTarget.of("stdout", "local0");
        String m = "MSG";

        assertThat(SyslogMessage.format(local0, "info", time, "localhost", "haproxy", 21664, m))
                .isEqualTo("<134>Nov 28 10:27:40 haproxy[21664]: MSG");
        assertThat(SyslogMessage.format(
                        local0.withFormat(LogTarget.Format.RFC3164), "info", time, "localhost", "haproxy", 21664, m))
                .isEqualTo("<134>Nov 28 10:27:40 localhost haproxy[21664]: MSG");
        assertThat(SyslogMessage.format(
                        local0.withFormat(LogTarget.Format.RFC5424), "info", time, "localhost", "haproxy", 21664, m))
                .isEqualTo("<134>1 2026-11-28T10:27:40.804864+00:00 - haproxy 21664 - - MSG");
        assertThat(SyslogMessage.format(local0.withFormat(LogTarget.Format.SHORT), "info", time, "h", "t", 1, m))
                .isEqualTo("<6>MSG");
        assertThat(SyslogMessage.format(local0.withFormat(LogTarget.Format.PRIORITY), "info", time, "h", "t", 1, m))
                .isEqualTo("<134>MSG");
        assertThat(SyslogMessage.format(local0.withFormat(LogTarget.Format.TIMED), "info", time, "h", "t", 1, m))
                .isEqualTo("<6>2026-11-28T10:27:40.804864+00:00 MSG");
        assertThat(SyslogMessage.format(local0.withFormat(LogTarget.Format.ISO), "info", time, "h", "t", 1, m))
                .isEqualTo("2026-11-28T10:27:40.804864+00:00 MSG");
        assertThat(SyslogMessage.format(local0.withFormat(LogTarget.Format.RAW), "info", time, "h", "t", 1, m))
                .isEqualTo("MSG");
        // a minimum level caps more severe messages
        assertThat(SyslogMessage.format(
                        local0.withFormat(LogTarget.Format.SHORT).withMinLevel("err"), "emerg", time, "h", "t", 1, m))
                .isEqualTo("<3>MSG");
    }
}
