package dev.fjord.lb.core;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.HaproxyLines.Line;

/** haproxy.cfg lines that become rules and persistence: http-request, stats, cookie, stick-table. */
final class HaproxyRules {
    private HaproxyRules() {
    }

    /** {@code http-request ACTION [ARGS] [if|unless CONDITION]}. */
    static HttpRequestRule httpRequest(Line line) {
        List<String> words = line.words();
        int condition = words.indexOf("if");
        int unless = words.indexOf("unless");
        if (condition < 0 || (unless >= 0 && unless < condition)) {
            condition = unless;
        }
        List<String> action = condition < 0 ? words.subList(1, words.size()) : words.subList(1, condition);
        HttpRequestRule rule = action(action);
        return condition < 0 ? rule : rule.when(Condition.parse(words.subList(condition, words.size())));
    }

    private static HttpRequestRule action(List<String> words) {
        String name = words.isEmpty() ? "" : words.get(0);
        return switch (name) {
            case "allow" -> HttpRequestRule.allow();
            case "deny" -> words.size() >= 3 && words.get(1).equals("deny_status")
                    ? HttpRequestRule.deny(HaproxyValues.integer(words.get(2))) : HttpRequestRule.deny();
            case "redirect" -> redirect(words);
            case "set-header" -> HttpRequestRule.setHeader(arg(words, 1), arg(words, 2));
            case "add-header" -> HttpRequestRule.addHeader(arg(words, 1), arg(words, 2));
            case "del-header" -> HttpRequestRule.delHeader(arg(words, 1));
            case "return" -> returnRule(words);
            default -> throw new IllegalArgumentException("action '" + name + "' (expected: allow, deny, redirect, "
                    + "set-header, add-header, del-header or return)");
        };
    }

    private static HttpRequestRule redirect(List<String> words) {
        String type = arg(words, 1);
        String value = arg(words, 2);
        int code = 302;
        for (int i = 3; i < words.size(); i++) {
            if (words.get(i).equals("code")) {
                code = HaproxyValues.integer(arg(words, ++i));
            } else {
                throw new IllegalArgumentException("redirect option '" + words.get(i)
                        + "' is not supported yet (expected: code CODE)");
            }
        }
        return switch (type) {
            case "location" -> HttpRequestRule.redirectLocation(value, code);
            case "prefix" -> HttpRequestRule.redirectPrefix(value, code);
            case "scheme" -> HttpRequestRule.redirectScheme(value, code);
            default -> throw new IllegalArgumentException("redirect '" + type
                    + "' (expected: location, prefix or scheme)");
        };
    }

    private static HttpRequestRule returnRule(List<String> words) {
        int status = 200;
        String type = "text/plain";
        String body = "";
        for (int i = 1; i < words.size(); i++) {
            switch (words.get(i)) {
                case "status" -> status = HaproxyValues.integer(arg(words, ++i));
                case "content-type" -> type = arg(words, ++i);
                case "string", "lf-string" -> body = arg(words, ++i);
                default -> throw new IllegalArgumentException("return option '" + words.get(i)
                        + "' (expected: status CODE, content-type TYPE, string TEXT)");
            }
        }
        return HttpRequestRule.returnResponse(status, type, body);
    }

    /** {@code stats enable|uri|realm|auth|refresh|hide-version|admin}. */
    static void stats(FrontendConfig.Builder frontend, Line line) {
        String what = line.arg(1);
        frontend.stats(s -> {
            switch (what) {
                case "enable" -> { }
                case "uri" -> s.uri(line.arg(2));
                case "realm" -> s.realm(String.join(" ", line.words().subList(2, line.size())));
                case "auth" -> {
                    String credentials = line.arg(2);
                    int colon = credentials.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("auth '" + credentials + "' (expected: USER:PASSWORD)");
                    }
                    s.auth(credentials.substring(0, colon), credentials.substring(colon + 1));
                }
                case "refresh" -> s.refresh(HaproxyDirectives.time(line, 2));
                case "hide-version" -> s.hideVersion();
                case "admin" -> s.admin(Condition.parse(line.words().subList(2, line.size())));
                default -> throw new IllegalArgumentException("'" + what + "' (expected: enable, uri, realm, auth, "
                        + "refresh, hide-version or admin)");
            }
        });
    }

    /** {@code cookie NAME insert|rewrite|prefix [options]}. */
    static Cookie cookie(Line line) {
        String name = line.arg(1);
        Cookie cookie = null;
        for (int i = 2; i < line.size(); i++) {
            String word = line.arg(i);
            switch (word) {
                case "insert" -> cookie = Cookie.insert(name);
                case "rewrite" -> cookie = Cookie.rewrite(name);
                case "prefix" -> cookie = Cookie.prefix(name);
                default -> {
                    if (cookie == null) {
                        throw new IllegalArgumentException("'" + word + "' before insert, rewrite or prefix");
                    }
                    cookie = switch (word) {
                        case "indirect" -> cookie.indirect();
                        case "nocache" -> cookie.noCache();
                        case "postonly" -> cookie.postOnly();
                        case "preserve" -> cookie.preserve();
                        case "httponly" -> cookie.httpOnly();
                        case "secure" -> cookie.secure();
                        case "domain" -> cookie.domain(line.arg(++i));
                        case "maxidle" -> cookie.maxIdle(HaproxyDirectives.time(line, ++i));
                        case "maxlife" -> cookie.maxLife(HaproxyDirectives.time(line, ++i));
                        default -> throw new IllegalArgumentException("option '" + word + "' (expected: indirect, "
                                + "nocache, postonly, preserve, httponly, secure, domain, maxidle or maxlife)");
                    };
                }
            }
        }
        if (cookie == null) {
            throw new IllegalArgumentException("'" + name + "' without insert, rewrite or prefix (passive cookies "
                    + "are not supported yet)");
        }
        return cookie;
    }

    /** {@code stick-table type ip size SIZE [expire TIME]}. */
    static StickTable stickTable(Line line) {
        @Nullable Long size = null;
        Duration expire = Duration.ofMinutes(30);
        boolean ip = false;
        for (int i = 1; i < line.size(); i++) {
            switch (line.arg(i)) {
                case "type" -> ip = line.arg(++i).equals("ip") || line.arg(i).equals("ipv6");
                case "size" -> size = HaproxyValues.size(line.arg(++i));
                case "expire" -> expire = HaproxyDirectives.time(line, ++i);
                default -> throw new IllegalArgumentException("option '" + line.arg(i)
                        + "' is not supported yet (expected: type ip, size SIZE, expire TIME)");
            }
        }
        if (!ip || size == null) {
            throw new IllegalArgumentException("expected: stick-table type ip size SIZE [expire TIME]");
        }
        return StickTable.onSource((int) Math.min(Integer.MAX_VALUE, size), expire);
    }

    private static String arg(List<String> words, int index) {
        if (index >= words.size()) {
            throw new IllegalArgumentException("missing argument after '" + words.get(index - 1) + "'");
        }
        return words.get(index);
    }
}
