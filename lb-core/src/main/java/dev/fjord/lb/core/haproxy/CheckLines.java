package dev.fjord.lb.core.haproxy;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.HttpCheck;
import dev.fjord.lb.core.SettingsBuilder;
import dev.fjord.lb.core.TcpCheck;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * The health-check lines of one section ({@code option httpchk}, {@code http-check}, {@code option tcp-check},
 * {@code tcp-check}), gathered over what the {@code defaults} said and applied at the section's end, since each line
 * refines the check the previous ones described.
 */
final class CheckLines {
    @Nullable
    HttpCheck http;

    @Nullable
    TcpCheck tcp;
    /** Whether the section has a check line of its own; otherwise the defaults' checks stay as they are. */
    boolean touched;

    CheckLines(@Nullable HttpCheck http, @Nullable TcpCheck tcp) {
        this.http = http;
        this.tcp = tcp;
    }

    void apply(SettingsBuilder<?> settings) {
        if (touched && http != null) {
            settings.httpCheck(http);
        }
        if (touched && tcp != null) {
            settings.tcpCheck(tcp);
        }
    }

    /** Applies an {@code http-check} line. */
    void httpCheckLine(Line line) {
        HttpCheck check = this.http != null ? this.http : HttpCheck.defaults();
        switch (line.arg(1)) {
            case "disable-on-404" -> check = check.disableOn404();
            case "comment" -> {} // HAProxy quotes it when the next rule fails; Fjord's check log does not
            case "expect" -> {
                int i = 2;
                boolean negate = line.arg(i).equals("!");
                if (negate) {
                    i++;
                }
                String pattern = line.arg(i + 1);
                HttpCheck.Expect expect = switch (line.arg(i)) {
                    case "status" -> HttpCheck.Expect.status(pattern);
                    case "rstatus" -> HttpCheck.Expect.rstatus(pattern);
                    case "string" -> HttpCheck.Expect.string(pattern);
                    case "rstring" -> HttpCheck.Expect.rstring(pattern);
                    default ->
                        throw new IllegalArgumentException(
                                "'" + line.arg(i) + "' (expected: [!] status|rstatus|string|rstring PATTERN)");
                };
                check = check.expect(negate ? expect.negate() : expect);
            }
            case "send" -> {
                for (int i = 2; i < line.size(); i++) {
                    switch (line.arg(i)) {
                        case "hdr" -> {
                            check = check.header(line.arg(i + 1), line.arg(i + 2));
                            i += 2;
                        }
                        case "meth" ->
                            check = new HttpCheck(
                                    line.arg(++i),
                                    check.uri(),
                                    check.version(),
                                    check.headers(),
                                    check.expect(),
                                    check.isDisableOn404());
                        case "uri" ->
                            check = new HttpCheck(
                                    check.method(),
                                    line.arg(++i),
                                    check.version(),
                                    check.headers(),
                                    check.expect(),
                                    check.isDisableOn404());
                        case "ver" -> check = check.version(line.arg(++i));
                        default ->
                            throw new IllegalArgumentException(
                                    "'" + line.arg(i) + "' (expected: meth, uri, ver or hdr NAME VALUE)");
                    }
                }
            }
            default ->
                throw new IllegalArgumentException(
                        "'" + line.arg(1) + "' (expected: expect, send, comment or disable-on-404)");
        }
        this.http = check;
        touched = true;
    }

    /** Applies a {@code tcp-check} line. */
    void tcpCheckLine(Line line) {
        TcpCheck check = this.tcp != null ? this.tcp : TcpCheck.create();
        switch (line.arg(1)) {
            case "connect" -> {
                if (line.size() > 2) {
                    throw new IllegalArgumentException("connect options are not supported yet");
                }
            }
            case "comment" -> {} // as http-check comment
            case "send" -> check = check.send(line.arg(2));
            case "expect" -> {
                int i = 2;
                boolean negate = line.arg(i).equals("!");
                if (negate) {
                    i++;
                }
                String kind = line.arg(i);
                String pattern = line.arg(i + 1);
                if (kind.equals("string")) {
                    check = negate ? check.expectNoString(pattern) : check.expectString(pattern);
                } else if (kind.equals("rstring") && !negate) {
                    check = check.expectRegex(pattern);
                } else {
                    throw new IllegalArgumentException(
                            "'" + String.join(" ", line.words().subList(2, line.size()))
                                    + "' (expected: [!] string TEXT, or rstring REGEX)");
                }
            }
            default ->
                throw new IllegalArgumentException(
                        "'" + line.arg(1) + "' (expected: connect, send, expect or comment)");
        }
        this.tcp = check;
        touched = true;
    }
}
