package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AclTest {

    private static boolean matches(String acl, RequestHead request) {
        return Acl.parse(acl).test(request);
    }

    private static boolean matchesPath(String acl, String uri) {
        return matches(acl, RequestHead.get(uri));
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "path /a/b              | /a/b        | true",
                "path /a/b              | /a/b/       | false",
                "path -i /A/B           | /a/b        | true",
                "path_beg /static /img  | /img/x.png  | true",
                "path_beg /static       | /Static/x   | false",
                "path_beg -i /static    | /STATIC/x   | true",
                "path_end .png .jpg     | /a/b.jpg    | true",
                "path_end .png          | /a.png?x=1  | true",
                "path_sub cart          | /shop/cart/1| true",
                "path_sub -i CART       | /shop/cart/1| true",
                "path_dir shop          | /shop/cart  | true",
                "path_dir sho           | /shop/cart  | false",
                "path_dir shop/cart     | /x/shop/cart| true",
                "path_dir cart          | /shop/cart?x| true",
                "path_reg ^/api/v[0-9]+/| /api/v2/x   | true",
                "path_reg -i ^/API/     | /api/x      | true",
                "path_reg ^/api/        | /API/x      | false",
                "url_param(id) 42       | /?a=1&id=42 | true",
                "url_param(id) 42       | /?id=4&x=42 | false",
                "urlp(id) -m found      | /?id        | true",
                "url_param(id) -m found | /?idx=1     | false",
                "url_beg /a?            | /a?b=1      | true",
                "path -m beg /api       | /api/x      | true",
                "method GET HEAD        | /           | true",
            })
    void pathAndUrlFetches(String acl, String uri, boolean expected) {
        assertThat(matchesPath(acl, uri)).isEqualTo(expected);
    }

    @Test
    void headerFetchesMatchEachCommaSeparatedValue() {
        RequestHead request = RequestHead.builder()
                .header("Host", "Shop.Example.com")
                .header("Accept", "text/html, application/json")
                .header("Accept", "image/png")
                .build();

        assertThat(Acl.hdr("host", "shop.example.com").test(request)).isFalse();
        assertThat(Acl.hdr("host", "shop.example.com").ignoreCase().test(request))
                .isTrue();
        assertThat(Acl.hdrEnd("host", ".example.com").ignoreCase().test(request))
                .isTrue();
        assertThat(Acl.hdrBeg("Host", "Shop.").test(request)).isTrue();
        assertThat(Acl.hdrSub("accept", "json").test(request)).isTrue();
        assertThat(Acl.hdr("accept", "application/json").test(request)).isTrue();
        assertThat(Acl.hdrReg("accept", "^image/").test(request)).isTrue();
        assertThat(Acl.hdrFound("X-Missing").test(request)).isFalse();
        assertThat(Acl.hdrFound("accept").test(request)).isTrue();
        assertThat(Acl.hdrCnt("accept", "3").test(request)).isTrue();
        assertThat(Acl.hdrCnt("accept", "gt 3").test(request)).isFalse();
        assertThat(matches("hdr_cnt(host) gt 1", request)).isFalse();
        assertThat(matches("hdr_cnt(x-none) 0", request)).isTrue();
    }

    @Test
    void domainMatchesFindADotDelimitedPartAsHaproxyDoes() {
        RequestHead request =
                RequestHead.builder().header("Host", "Shop.Example.com:8080").build();

        assertThat(matches("hdr_dom(host) -i example.com", request)).isTrue();
        assertThat(matches("hdr_dom(host) -i shop", request)).isTrue();
        assertThat(matches("hdr_dom(host) -i .example.com.", request))
                .as("outer delimiters ignored")
                .isTrue();
        assertThat(matches("hdr_dom(host) -i ample.com", request))
                .as("not a whole part")
                .isFalse();
        assertThat(matches("hdr_dom(host) example.com", request))
                .as("case matters without -i")
                .isFalse();
        assertThat(matches("hdr(host) -m dom -i 8080", request)).isTrue();
    }

    @Test
    void sourceAddressesMatchIpv4AndIpv6Networks() {
        Acl internal = Acl.src("10.0.0.0/8", "192.168.1.7", "2001:db8::/32", "172.16.0.0/255.240.0.0");

        assertThat(internal.test(client("10.200.3.4"))).isTrue();
        assertThat(internal.test(client("11.0.0.1"))).isFalse();
        assertThat(internal.test(client("192.168.1.7"))).isTrue();
        assertThat(internal.test(client("192.168.1.8"))).isFalse();
        assertThat(internal.test(client("2001:db8:ffff::1"))).isTrue();
        assertThat(internal.test(client("2001:db9::1"))).isFalse();
        assertThat(internal.test(client("172.31.255.255"))).isTrue();
        assertThat(internal.test(client("172.32.0.0"))).isFalse();
        assertThat(Acl.predefined("LOCALHOST").test(client("::1"))).isTrue();
        assertThat(Acl.predefined("LOCALHOST").test(client("127.9.9.9"))).isTrue();
    }

    @Test
    void dstPortCookieAndVersion() {
        RequestHead request = RequestHead.builder()
                .localPort(8443)
                .version("HTTP/1.0")
                .header("Cookie", "a=1; lang=de")
                .build();

        assertThat(Acl.dstPort("80", "8000:8999").test(request)).isTrue();
        assertThat(Acl.dstPort(":8442").test(request)).isFalse();
        assertThat(matches("dst_port 8443:", request)).isTrue();
        assertThat(Acl.reqCook("lang", "de").test(request)).isTrue();
        assertThat(Acl.reqCookFound("session").test(request)).isFalse();
        assertThat(matches("cook(lang) -i DE", request)).isTrue();
        assertThat(Acl.predefined("HTTP_1.0").test(request)).isTrue();
        assertThat(Acl.predefined("HTTP_1.1").test(request)).isFalse();
        assertThat(Acl.predefined("METH_GET")
                        .test(RequestHead.builder().method("HEAD").build()))
                .isTrue();
        assertThat(Acl.predefined("NOPE")).isNull();
    }

    @Test
    void parsedAndBuiltAclsAreEqualValues() {
        assertThat(Acl.parse("path_beg -i /static /images"))
                .isEqualTo(Acl.pathBeg("/static", "/images").ignoreCase())
                .hasSameHashCodeAs(Acl.pathBeg("/static", "/images").ignoreCase());
        assertThat(Acl.parse("path -m beg /a")).isEqualTo(Acl.pathBeg("/a"));
        assertThat(Acl.parse("hdr(Host) \"a b\"")).isEqualTo(Acl.hdr("Host", "a b"));
        assertThat(Acl.pathBeg("/a")).isNotEqualTo(Acl.pathBeg("/a").ignoreCase());
        assertThat(Acl.pathBeg("/static").ignoreCase()).hasToString("path -m beg -i /static");
    }

    @Test
    void patternsAfterDoubleDashMayStartWithADash() {
        assertThat(Acl.parse("hdr(x) -- -1 -weird")
                        .test(RequestHead.builder().header("x", "-weird").build()))
                .isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '#',
            value = {
                "path_bgn /a           # criterion 'path_bgn' (expected: one of [path, url, url_param, urlp, hdr, "
                        + "req.hdr, hdr_cnt, req.hdr_cnt, method, src, dst, dst_port, req.cook, cook, req.ver, "
                        + "req_ver, status, res.hdr, shdr, res.hdr_cnt, shdr_cnt, res.ver, resp_ver, res.cook, scook, "
                        + "req.len, req_len, req.payload, payload, req.ssl_hello_type, req_ssl_hello_type, "
                        + "req.ssl_sni, req_ssl_sni, req.ssl_ver, req_ssl_ver, ssl_fc, ssl_fc_sni, ssl_fc_protocol, "
                        + "ssl_fc_cipher, ssl_fc_alpn, ssl_c_used, ssl_c_verify, ssl_c_s_dn, nbsrv, http_auth, "
                        + "http_auth_group, var], with "
                        + "_beg/_end/_sub/_dir/_dom/_reg for path, url, url_param, hdr, req.cook, res.hdr and "
                        + "res.cook, or hdr_val and res.hdr_val)",
                "path_beg              # path_beg: no pattern (expected: at least one pattern, or -m found)",
                "hdr /a                # criterion 'hdr' (expected: hdr(name))",
                "path(x) /a            # criterion 'path(x)' (expected: path without argument)",
                "path_beg -x /a        # path_beg: flag '-x' (expected: -i, -f FILE, -m METHOD or --)",
                "path -m nope /a       # path: match method 'nope' (expected: str, beg, end, sub, dir, dom, reg, "
                        + "int, ip, bin, found, bool)",
                "path_reg (            # path_reg: pattern '(' (expected: a regular expression; Unclosed group at "
                        + "index 1)",
                "src 10.0.0.0/33       # src: pattern '10.0.0.0/33' (expected: an IPv4 or IPv6 address or CIDR "
                        + "network)",
                "src example.com       # src: pattern 'example.com' (expected: an IPv4 or IPv6 address or CIDR "
                        + "network)",
                "dst_port http         # dst_port: pattern 'http' (expected: an integer, a range A:B, or "
                        + "eq|ge|gt|le|lt N)",
            })
    void invalidAclsFailWithTheReason(String acl, String message) {
        assertThatThrownBy(() -> Acl.parse(acl))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    private static RequestHead client(String address) {
        return RequestHead.builder().client(address, 1234).build();
    }
}
