package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ACLs of held content: req.ssl_sni, req.ssl_hello_type, req.ssl_ver, req.len, req.payload. */
class ContentAclTest {
    private static final byte[] HELLO = ClientHellos.jdk("www.Example.com", "TLSv1.3");

    private static RequestHead holding(byte[] bytes, boolean complete) {
        return RequestHead.builder().content(RequestContent.of(bytes, complete)).build();
    }

    private static AclResult evaluate(String acl, byte[] bytes, boolean complete) {
        return Acl.parse(acl).evaluate(holding(bytes, complete));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "req.ssl_sni www.Example.com                  | PASS",
                "req.ssl_sni www.example.com                  | FAIL",
                "req.ssl_sni -i www.example.com               | PASS",
                "req_ssl_sni -i -m end .example.com           | PASS",
                "req.ssl_sni -m end .example.org              | FAIL",
                "req.ssl_sni -m reg -i ^www\\.                | PASS",
                "req.ssl_sni -m found                         | PASS",
                "req.ssl_hello_type 1                         | PASS",
                "req_ssl_hello_type 2                         | FAIL",
                "req.ssl_ver 3.3                              | PASS",
                "req_ssl_ver 3.1:3.3                          | PASS",
                "req.ssl_ver 3.0-3.2                          | FAIL",
                "req.ssl_ver ge 3.2                           | PASS",
                "req.ssl_ver 3                                | FAIL",
                "req.payload(0,2) -m bin 1603                 | PASS",
                "payload(0,1) -m bin 17                       | FAIL",
                "req.len gt 100                               | PASS",
            })
    void matchAWholeClientHello(String acl, AclResult expected) {
        assertThat(evaluate(acl, HELLO, false)).isEqualTo(expected);
        assertThat(Acl.parse(acl).test(holding(HELLO, false))).isEqualTo(expected == AclResult.PASS);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"req.ssl_sni -i www.example.com", "req.ssl_hello_type 1", "req.ssl_ver 3.3", "req.len gt 1000000"})
    void incompleteContentIsAMissUntilItIsComplete(String acl) {
        byte[] half = java.util.Arrays.copyOf(HELLO, HELLO.length / 2);

        assertThat(evaluate(acl, half, false)).isEqualTo(AclResult.MISS);
        assertThat(evaluate(acl, new byte[0], false)).isEqualTo(AclResult.MISS);
        assertThat(evaluate(acl, half, true)).isEqualTo(AclResult.FAIL);
        assertThat(Acl.parse(acl).test(holding(half, false))).isFalse();
    }

    @Test
    void contentThatIsNotTlsFailsAtOnce() {
        byte[] http = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

        assertThat(evaluate("req.ssl_hello_type 1", http, false)).isEqualTo(AclResult.FAIL);
        assertThat(evaluate("req.ssl_sni -m found", http, false)).isEqualTo(AclResult.FAIL);
        assertThat(evaluate("req.payload(0,4) -m str GET\\ ", http, false)).isEqualTo(AclResult.PASS);
        assertThat(evaluate("req.payload(0,0) -m beg GET", http, false)).isEqualTo(AclResult.PASS);
    }

    @Test
    void reqLenMayChangeUntilComplete() {
        byte[] five = {1, 2, 3, 4, 5};

        assertThat(evaluate("req.len gt 0", five, false)).isEqualTo(AclResult.PASS);
        assertThat(evaluate("req.len gt 0", new byte[0], false)).isEqualTo(AclResult.MISS);
        assertThat(evaluate("req.len gt 0", new byte[0], true)).isEqualTo(AclResult.FAIL);
        assertThat(evaluate("req.len 5", five, false)).isEqualTo(AclResult.PASS);
    }

    @Test
    void aPayloadPastWhatCanBeHeldNeverMatchesAndNeverWaits() {
        assertThat(evaluate("req.payload(16380,10) -m found", new byte[0], false))
                .isEqualTo(AclResult.FAIL);
        assertThat(evaluate("req.payload(2,2) -m found", new byte[3], false)).isEqualTo(AclResult.MISS);
    }

    @Test
    void theContentHeldIsCappedAndThenComplete() {
        RequestContent full = RequestContent.of(new byte[RequestContent.LIMIT + 10], false);

        assertThat(full.length()).isEqualTo(RequestContent.LIMIT);
        assertThat(full.complete()).isTrue();
        assertThat(RequestContent.of(new byte[10], false).complete()).isFalse();
    }

    @Test
    void httpRequestsHoldNoContent() {
        assertThat(Acl.parse("req.len 0").test(RequestHead.get("/"))).isTrue();
        assertThat(Acl.parse("req.ssl_sni -m found").evaluate(RequestHead.get("/")))
                .isEqualTo(AclResult.FAIL);
    }

    @Test
    void theContentAclsPrintAsHaproxyWritesThem() {
        assertThat(Acl.parse("req_ssl_sni -i -m end .example.com")).hasToString("req.ssl_sni -m end -i .example.com");
        assertThat(Acl.parse("req.payload(0,3) -m bin 160301")).hasToString("req.payload(0,3) 160301");
        assertThat(Acl.sslSni("a.example.com").ignoreCase()).isEqualTo(Acl.parse("req.ssl_sni -i a.example.com"));
        assertThat(Acl.sslHelloType(1)).isEqualTo(Acl.parse("req.ssl_hello_type 1"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "req.payload(0) -m bin 16                | req.payload(0) (expected: req.payload(OFFSET,LENGTH)",
                "req.payload(a,1) -m bin 16              | req.payload(a,1) (expected",
                "req.payload(0,1) -m bin 1g              | pattern '1g' (expected: hexadecimal digits",
                "req.ssl_ver 3.x                         | pattern '3.x' (expected: a version MAJOR.MINOR",
                "req.ssl_ver 70000.1                     | pattern '70000.1' (expected: a version",
                "req.ssl_sni_end .example.com            | criterion 'req.ssl_sni_end' (expected: one of",
                "req.ssl_sni                             | no pattern",
                "req.ssl_sni(x) a                        | without argument",
            })
    void wrongContentAclsSayWhatWasExpected(String acl, String message) {
        assertThatThrownBy(() -> Acl.parse(acl))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }
}
