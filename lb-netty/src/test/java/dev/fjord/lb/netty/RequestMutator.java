package dev.fjord.lb.netty;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Makes the cases of {@link RequestFuzzTest}: one or two valid requests (methods, target forms, versions, header
 * fields, bodies framed by Content-Length or chunked with extensions and trailers), then one to three mutations of
 * the kinds request smuggling is made of: CR, LF, SP, HTAB, NUL, {@code #} and bytes 0x80-0xFF inserted, bytes
 * removed, line ends changed, duplicate and conflicting framing fields, odd chunk sizes and extensions, obs-folds,
 * oversized parts, underscore look-alikes, {@code Connection} options, odd versions, garbage after the body.
 * Deterministic for a seed. Not thread-safe.
 */
final class RequestMutator {
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"};
    private static final String[] TARGETS = {
        "/", "/a/b?c=d&e=f", "/logo.png", "/p%20q", "http://x/abs?q", "/api/v1/items", "/x;y=z", "/a/[b]?c={d}|e"
    };
    private static final String[] FIELDS = {
        "User-Agent: fuzz/1.0",
        "Accept: */*",
        "X-Test: 1",
        "Cookie: SERVERID=s1; a=b",
        "X-Forwarded-For: 203.0.113.9",
        "Accept-Encoding: gzip, br",
        "X-Empty:",
        "X-Tab: a\tb",
        "Expect: 100-continue",
        "TE: trailers",
        "X-Obs: caf\u00e9"
    };
    private static final String[] TRANSFER_ENCODINGS = {
        "chunked",
        "Chunked",
        " chunked",
        "chunked ",
        "chunked, chunked",
        "identity, chunked",
        "chunked, identity",
        "xchunked",
        "chunked\t",
        "\tchunked",
        "gzip, chunked",
        "chunk"
    };
    private static final String[] CHUNK_SIZES = {
        "0%s",
        "00%s",
        "%s;ext",
        "%s ; ext=\"q\"",
        "%s;a=b;c",
        "%s ",
        "%s\t",
        " %s",
        "+%s",
        "0x%s",
        "-%s",
        "%s;\u0000",
        "%s;e=\u0085",
        "fffffffffffffffff%s"
    };
    private static final String[] VERSIONS = {
        "HTTP/1.2",
        "HTTP/2.0",
        "HTTP/0.9",
        "http/1.1",
        "HTTP/1.1 ",
        "HTTP/1",
        "HTTP/11",
        "HTTP/1.10",
        "",
        "HTTP/1.1\u0000"
    };
    private static final String[] FRAMING_NAMES = {
        "Content_Length",
        "Transfer_Encoding",
        "X_Forwarded_For",
        "Content-Length ",
        "Transfer-Encoding ",
        "content-length",
        "CONTENT-LENGTH"
    };
    private static final byte[] SPECIAL = {'\r', '\n', ' ', '\t', 0, '#', ':', ',', ';', '"', '\\'};

    private final Random random;

    RequestMutator(long seed) {
        this.random = new Random(seed);
    }

    /** A case: one or two requests, mutated. */
    byte[] next() {
        StringBuilder stream = new StringBuilder(request());
        if (random.nextInt(4) == 0) {
            stream.append(request());
        }
        String text = stream.toString();
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            text = mutate(text);
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private String request() {
        String method = pick(METHODS);
        String target = random.nextInt(20) == 0 && method.equals("OPTIONS") ? "*" : pick(TARGETS);
        boolean http10 = random.nextInt(10) == 0;
        StringBuilder head = new StringBuilder(method)
                .append(' ')
                .append(target)
                .append(' ')
                .append(http10 ? "HTTP/1.0" : "HTTP/1.1")
                .append("\r\n");
        if (!http10 || random.nextBoolean()) {
            head.append("Host: x\r\n");
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            head.append(pick(FIELDS)).append("\r\n");
        }
        int kind = random.nextInt(3);
        String body = body();
        if (kind == 1 || (kind == 2 && http10)) {
            head.append("Content-Length: ")
                    .append(body.length())
                    .append("\r\n\r\n")
                    .append(body);
        } else if (kind == 2) {
            head.append("Transfer-Encoding: chunked\r\n\r\n");
            int at = 0;
            while (at < body.length()) {
                int size = 1 + random.nextInt(body.length() - at);
                head.append(Integer.toHexString(size))
                        .append(random.nextInt(4) == 0 ? ";x=y" : "")
                        .append("\r\n")
                        .append(body, at, at + size)
                        .append("\r\n");
                at += size;
            }
            head.append("0\r\n")
                    .append(random.nextInt(4) == 0 ? "X-Trailer: t\r\n" : "")
                    .append("\r\n");
        } else {
            head.append("\r\n");
        }
        return head.toString();
    }

    private String body() {
        int length = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(40);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < length; i++) {
            body.append(
                    random.nextInt(8) == 0
                            ? "\r\nGET /s HTTP/1.1\r\n\r\n".charAt(random.nextInt(19))
                            : (char) (random.nextInt(5) == 0 ? random.nextInt(256) : 'a' + random.nextInt(26)));
        }
        return body.toString();
    }

    private String mutate(String text) {
        int headEnd = text.indexOf("\r\n\r\n");
        int head = headEnd < 0 ? text.length() : headEnd + 2;
        return switch (random.nextInt(14)) {
            case 0, 1 ->
                insert(
                        text,
                        random.nextInt(5) == 0 ? text.length() + 1 : head + 1,
                        random.nextInt(3) == 0
                                ? String.valueOf((char) (0x80 + random.nextInt(128)))
                                : String.valueOf((char) SPECIAL[random.nextInt(SPECIAL.length)]));
            case 2 -> text.isEmpty() ? text : remove(text, random.nextInt(Math.max(1, head)));
            case 3 -> replaceLineEnd(text);
            case 4 ->
                addField(
                        text,
                        random.nextBoolean()
                                ? "Content-Length: " + random.nextInt(60)
                                : "Transfer-Encoding: " + pick(TRANSFER_ENCODINGS));
            case 5 -> text.replaceFirst("Transfer-Encoding: chunked", "Transfer-Encoding: " + pick(TRANSFER_ENCODINGS));
            case 6 -> chunkSize(text);
            case 7 -> addField(text, "X-Folded: a\r\n" + (random.nextBoolean() ? " " : "\t") + "b");
            case 8 ->
                random.nextBoolean()
                        ? addField(text, "X-Big: " + "b".repeat(17000))
                        : text.replaceFirst(" /", " /" + "a".repeat(9000));
            case 9 -> renameFraming(text);
            case 10 ->
                addField(
                        text,
                        "Connection: "
                                + pick(new String[] {
                                    "Content-Length",
                                    "Transfer-Encoding",
                                    "Host",
                                    "close, Content-Length",
                                    "keep-alive, X-Test"
                                }));
            case 11 -> text.replaceFirst("HTTP/1\\.[01]\r\n", pick(VERSIONS) + "\r\n");
            case 12 ->
                text.replaceFirst(" /", pick(new String[] {
                    " /#frag", " http://y/", " /a/../b", " /%zz", " //x", " http://x@y/", " /a b"
                }));
            default ->
                text
                        + pick(new String[] {
                            "GET /g HTTP/1.1\r\nHost: x\r\n\r\n", "x", "\r\n", "0\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n"
                        });
        };
    }

    private String insert(String text, int bound, String what) {
        int at = random.nextInt(Math.min(bound, text.length() + 1));
        return text.substring(0, at) + what + text.substring(at);
    }

    private static String remove(String text, int at) {
        return text.substring(0, at) + text.substring(Math.min(text.length(), at + 1));
    }

    private String replaceLineEnd(String text) {
        List<Integer> ends = new ArrayList<>();
        for (int i = text.indexOf("\r\n"); i >= 0; i = text.indexOf("\r\n", i + 1)) {
            ends.add(i);
        }
        if (ends.isEmpty()) {
            return text;
        }
        int at = ends.get(random.nextInt(ends.size()));
        String replacement = pick(new String[] {"\n", "\r", "\r\r\n", "\n\r", " \r\n"});
        return text.substring(0, at) + replacement + text.substring(at + 2);
    }

    private String addField(String text, String field) {
        int firstLine = text.indexOf("\r\n");
        if (firstLine < 0) {
            return text + field;
        }
        return text.substring(0, firstLine + 2) + field + "\r\n" + text.substring(firstLine + 2);
    }

    private String chunkSize(String text) {
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0 || !text.substring(0, headEnd).contains("chunked")) {
            return text;
        }
        int lineStart = headEnd + 4;
        int lineEnd = text.indexOf("\r\n", lineStart);
        if (lineEnd < 0) {
            return text;
        }
        String size = text.substring(lineStart, lineEnd).split(";")[0];
        String odd = String.format(pick(CHUNK_SIZES), random.nextBoolean() ? size.toUpperCase() : size);
        return text.substring(0, lineStart) + odd + text.substring(lineEnd);
    }

    private String renameFraming(String text) {
        String name = pick(FRAMING_NAMES);
        String original = name.toLowerCase().startsWith("transfer")
                ? "Transfer-Encoding"
                : name.toLowerCase().startsWith("x") ? "X-Forwarded-For" : "Content-Length";
        return text.contains(original + ":")
                ? text.replaceFirst(original + ":", name + ":")
                : addField(text, name + ": " + (original.equals("Transfer-Encoding") ? "chunked" : "5"));
    }

    private String pick(String[] choices) {
        return choices[random.nextInt(choices.length)];
    }
}
