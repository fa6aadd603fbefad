package dev.fjord.lb.core;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * HAProxy's protocol checks as {@link TcpCheck} scripts: {@code option smtpchk}, {@code option ssl-hello-chk},
 * {@code option mysql-check} and {@code option pgsql-check}, each sending and expecting what HAProxy 2.6 does.
 * Stateless.
 */
public final class ProtocolChecks {
    /** The login packet variants of {@code option mysql-check user NAME [post-41|pre-41|post-80]}. */
    public enum MysqlLogin {
        /** MySQL 4.1 and later (the default). */
        POST_41,
        /** Before MySQL 4.1. */
        PRE_41,
        /** MySQL 8: {@code mysql_native_password} named, for users that keep it. */
        POST_80
    }

    private ProtocolChecks() {}

    /**
     * {@code option smtpchk [HELO|EHLO DOMAIN]}: a 2xx greeting, then {@code command} (default {@code HELO
     * localhost}) answered 2xx, then {@code QUIT} answered 2xx.
     */
    public static TcpCheck smtp(@Nullable String command) {
        return TcpCheck.create()
                .expectRegex("^2[0-9]{2}[ \\r]")
                .send((command == null ? "HELO localhost" : command) + "\r\n")
                .expectRegex("^(2[0-9]{2}-[^\\r]*\\r\\n)*2[0-9]{2}[ \\r]")
                .send("QUIT\r\n")
                .expectRegex("^2[0-9]{2}[- \\r]");
    }

    /**
     * {@code option ssl-hello-chk}: a TLS ClientHello; the server passes when it answers with a TLS record, a
     * handshake or an alert (a server that refuses the offer still speaks TLS), as HAProxy judges it.
     */
    public static TcpCheck sslHello() {
        return TcpCheck.create().send(CLIENT_HELLO).expectRegex("^[\\x15\\x16]\\x03");
    }

    /**
     * {@code option mysql-check [user NAME [post-41|pre-41|post-80]]}: without a user, the server's greeting (not an
     * error packet); with one, a login without password and a {@code COM_QUIT} right after connecting, then the
     * greeting and an OK to the login.
     */
    public static TcpCheck mysql(@Nullable String user, MysqlLogin login) {
        if (user == null) {
            return TcpCheck.create().expectMysqlPackets(1);
        }
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        StringBuilder payload = new StringBuilder();
        switch (login) {
            case PRE_41 -> payload.append("\u0000\u0080").append("\u0000\u0000\u0001");
            case POST_41, POST_80 -> {
                // capabilities: PROTOCOL_41 | SECURE_CONNECTION (| PLUGIN_AUTH); max packet; charset utf8; 23 zeros
                payload.append(login == MysqlLogin.POST_80 ? "\u0000\u0082\u0008\u0000" : "\u0000\u0082\u0000\u0000")
                        .append("\u0000\u0080\u0000\u0001")
                        .append((char) 0x21) // utf8_general_ci
                        .append("\u0000".repeat(23));
            }
        }
        payload.append(new String(name, StandardCharsets.ISO_8859_1))
                .append('\u0000')
                .append('\u0000');
        if (login == MysqlLogin.POST_80) {
            payload.append("mysql_native_password\u0000");
        }
        int length = payload.length();
        String packet = "" + (char) (length & 0xff) + (char) (length >> 8 & 0xff) + (char) (length >> 16 & 0xff)
                + '\u0001' + payload;
        String quit = "\u0001\u0000\u0000\u0000\u0001";
        return TcpCheck.create().send(packet + quit).expectMysqlPackets(2);
    }

    /**
     * {@code option pgsql-check user NAME}: a startup message for {@code user}; the server passes when it answers
     * with an authentication request it could go on with (not an error).
     */
    public static TcpCheck pgsql(String user) {
        String body = "\u0000\u0003\u0000\u0000" + "user\u0000"
                + new String(user.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1) + "\u0000\u0000";
        int length = body.length() + 4;
        String message = "" + (char) (length >>> 24) + (char) (length >> 16 & 0xff) + (char) (length >> 8 & 0xff)
                + (char) (length & 0xff) + body;
        return TcpCheck.create()
                .send(message)
                .expectRegex("^R\\x00\\x00\\x00[\\x00-\\xff]\\x00\\x00\\x00[\\x00\\x02-\\x07\\x09\\x0a]");
    }

    /** A TLS 1.2 ClientHello in a TLS 1.0 record: common suites, no extension. */
    private static final String CLIENT_HELLO = clientHello();

    private static String clientHello() {
        int[] suites = {0xc02f, 0xc02b, 0xc030, 0xc02c, 0x009e, 0x009c, 0xc013, 0xc009, 0x002f, 0x0035, 0x1301};
        StringBuilder hello = new StringBuilder();
        hello.append("\u0003\u0003"); // client version TLS 1.2
        for (int i = 0; i < 32; i++) {
            hello.append("FJORDSSLCHK".charAt(i % 11)); // random: not used for anything
        }
        hello.append('\u0000'); // no session id
        hello.append((char) 0).append((char) (suites.length * 2));
        for (int suite : suites) {
            hello.append((char) (suite >> 8)).append((char) (suite & 0xff));
        }
        hello.append("\u0001\u0000"); // compression: null
        int handshake = hello.length();
        String body = "\u0001" + (char) 0 + (char) (handshake >> 8) + (char) (handshake & 0xff) + hello;
        return "\u0016\u0003\u0001" + (char) (body.length() >> 8) + (char) (body.length() & 0xff) + body;
    }
}
