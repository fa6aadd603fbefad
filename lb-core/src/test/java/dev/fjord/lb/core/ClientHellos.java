package dev.fjord.lb.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS ClientHellos for tests: real ones from the JDK's {@link SSLEngine}, and hand-made ones with any field wrong.
 * Shared with lb-netty's tests through lb-core's test jar.
 */
public final class ClientHellos {
    private ClientHellos() {}

    /** The first flight of a JDK TLS client asking for {@code serverName} with {@code protocol} (e.g. TLSv1.3). */
    public static byte[] jdk(String serverName, String protocol) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, null, null);
            SSLEngine engine = context.createSSLEngine(serverName, 443);
            engine.setUseClientMode(true);
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
            parameters.setProtocols(new String[] {protocol});
            engine.setSSLParameters(parameters);
            ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(ByteBuffer.allocate(0), out);
            return Arrays.copyOf(out.array(), out.position());
        } catch (GeneralSecurityException | SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The handshake message of a TLS record holding one ({@code bytes} starting with a record header). */
    public static byte[] handshake(byte[] record) {
        int length = ((record[3] & 0xff) << 8) | (record[4] & 0xff);
        return Arrays.copyOfRange(record, 5, 5 + length);
    }

    /** {@code handshake} framed in handshake records of at most the given sizes, the last size repeating. */
    public static byte[] records(byte[] handshake, int... sizes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        for (int i = 0; at < handshake.length; i++) {
            int size = Math.min(sizes[Math.min(i, sizes.length - 1)], handshake.length - at);
            out.write(0x16);
            out.write(3);
            out.write(1);
            out.write(size >> 8);
            out.write(size);
            out.write(handshake, at, size);
            at += size;
        }
        return out.toByteArray();
    }

    /** A ClientHello handshake message (type 1): TLS 1.2 client version, the fields given, then {@code extensions}. */
    public static byte[] hello(int sessionIdLength, int cipherBytes, int compressionMethods, byte[]... extensions) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(3);
        body.write(3);
        body.write(new byte[32], 0, 32);
        body.write(sessionIdLength);
        body.write(new byte[Math.min(sessionIdLength, 32)], 0, Math.min(sessionIdLength, 32));
        body.write(cipherBytes >> 8);
        body.write(cipherBytes);
        for (int i = 0; i < cipherBytes; i++) {
            body.write(i % 2 == 0 ? 0x13 : 0x01);
        }
        body.write(compressionMethods);
        body.write(new byte[compressionMethods], 0, compressionMethods);
        if (extensions.length > 0) {
            byte[] all = concat(extensions);
            body.write(all.length >> 8);
            body.write(all.length);
            body.write(all, 0, all.length);
        }
        return message(1, body.toByteArray());
    }

    /** A handshake message of {@code type} around {@code body}. */
    public static byte[] message(int type, byte[] body) {
        byte[] message = new byte[4 + body.length];
        message[0] = (byte) type;
        message[1] = (byte) (body.length >> 16);
        message[2] = (byte) (body.length >> 8);
        message[3] = (byte) body.length;
        System.arraycopy(body, 0, message, 4, body.length);
        return message;
    }

    /** A {@code server_name} extension listing {@code entries}: each a name type and a name. */
    public static byte[] serverName(Object... entries) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (int i = 0; i < entries.length; i += 2) {
            byte[] name = ((String) entries[i + 1]).getBytes(StandardCharsets.US_ASCII);
            list.write((Integer) entries[i]);
            list.write(name.length >> 8);
            list.write(name.length);
            list.write(name, 0, name.length);
        }
        byte[] names = list.toByteArray();
        byte[] data = new byte[2 + names.length];
        data[0] = (byte) (names.length >> 8);
        data[1] = (byte) names.length;
        System.arraycopy(names, 0, data, 2, names.length);
        return extension(0, data);
    }

    /** An extension of {@code type} around {@code data}. */
    public static byte[] extension(int type, byte[] data) {
        byte[] extension = new byte[4 + data.length];
        extension[0] = (byte) (type >> 8);
        extension[1] = (byte) type;
        extension[2] = (byte) (data.length >> 8);
        extension[3] = (byte) data.length;
        System.arraycopy(data, 0, extension, 4, data.length);
        return extension;
    }

    /** An SSLv2-compatible ClientHello (RFC 5246 appendix E.2) offering TLS 1.0, with 3 cipher specs. */
    public static byte[] sslv2() {
        byte[] body = {
            1,
            3,
            1,
            0,
            9,
            0,
            0,
            0,
            16, // type, version 3.1, cipher specs 9 bytes, no session id, challenge 16
            0,
            0,
            0x2f,
            0,
            0,
            0x35,
            0,
            0,
            0x0a, // three cipher specs
            1,
            2,
            3,
            4,
            5,
            6,
            7,
            8,
            9,
            10,
            11,
            12,
            13,
            14,
            15,
            16 // challenge
        };
        byte[] record = new byte[2 + body.length];
        record[0] = (byte) (0x80 | (body.length >> 8));
        record[1] = (byte) body.length;
        System.arraycopy(body, 0, record, 2, body.length);
        return record;
    }

    /** The bytes of every array, in order. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part, 0, part.length);
        }
        return out.toByteArray();
    }
}
