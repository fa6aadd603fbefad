package dev.fjord.lb.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** {@link Cookies#remove}: its one-substring path and its rebuilding path give what RFC 6265 parsing gives. */
class CookiesTest {
    @Test
    void removesTheNamedCookieAndKeepsTheRest() {
        assertThat(Cookies.remove("PHPSESSID=abc123; SERVERID=s2", "SERVERID")).isEqualTo("PHPSESSID=abc123");
        assertThat(Cookies.remove("SERVERID=s2; a=1; b=2", "SERVERID")).isEqualTo("a=1; b=2");
        assertThat(Cookies.remove("a=1; SERVERID=s2; b=2", "SERVERID")).isEqualTo("a=1; b=2");
        assertThat(Cookies.remove("a=1;b=2 ;SERVERID=s2", "SERVERID")).isEqualTo("a=1; b=2");
        assertThat(Cookies.remove("SERVERID=s2", "SERVERID")).isNull();
        assertThat(Cookies.remove(" SERVERID = s2 ; SERVERID=s3", "SERVERID")).isNull();
        assertThat(Cookies.remove("SERVERIDX=1; XSERVERID=2", "SERVERID")).isEqualTo("SERVERIDX=1; XSERVERID=2");
    }

    @Test
    void aHeaderWithoutTheCookieIsReturnedAsItIs() {
        String header = "a=1; b=2";
        assertThat(Cookies.remove(header, "SERVERID")).isSameAs(header);
    }

    @Test
    void agreesWithPlainParsingOnRandomHeaders() {
        String[] parts = {"a=1", "SERVERID=s2", "SERVERID", "b=x=y", " ", "\t", ";", "; ", ";;", "c", "SERVERID =s1"};
        Random random = new Random(20261129);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder header = new StringBuilder();
            int count = 1 + random.nextInt(7);
            for (int p = 0; p < count; p++) {
                header.append(parts[random.nextInt(parts.length)]);
                if (random.nextBoolean()) {
                    header.append("; ");
                }
            }
            String text = header.toString();
            assertThat(Cookies.remove(text, "SERVERID")).as("'%s'", text).isEqualTo(plainRemove(text, "SERVERID"));
        }
    }

    /** Splits on ';', trims spaces and tabs, drops empty pairs and those named {@code name}, joins with "; ". */
    private static String plainRemove(String header, String name) {
        List<String> kept = new ArrayList<>();
        for (String pair : header.split(";", -1)) {
            String trimmed = pair.replaceAll("^[ \t]+|[ \t]+$", "");
            if (trimmed.isEmpty()) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            String pairName = (equals < 0 ? trimmed : trimmed.substring(0, equals)).replaceAll("[ \t]+$", "");
            if (!pairName.equals(name)) {
                kept.add(trimmed);
            }
        }
        return kept.isEmpty() ? null : String.join("; ", kept);
    }
}
