package dev.fjord.lb.netty;

import java.io.ByteArrayOutputStream;

import org.jspecify.annotations.Nullable;

/**
 * The few DER encodings {@link PemBundle} needs to wrap keys into PKCS#8, and the element headers
 * {@link OcspResponse} reads. Stateless.
 */
final class Der {
    private Der() {}

    /** {@code tag}, the definite length of {@code content}, then {@code content}. */
    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] sequence(byte[] content) {
        return tlv(0x30, content);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * The content of the first element tagged {@code tag} directly inside the SEQUENCE {@code der}, e.g. the
     * {@code [0]} parameters of a SEC1 key; null when there is none.
     */
    static byte @Nullable [] contextTag(byte[] der, int tag) {
        int[] outer = header(der, 0);
        if (outer == null || (der[0] & 0xff) != 0x30) {
            return null;
        }
        int position = outer[0];
        int end = Math.min(der.length, outer[0] + outer[1]);
        while (position < end) {
            int[] element = header(der, position);
            if (element == null) {
                return null;
            }
            if ((der[position] & 0xff) == tag) {
                byte[] content = new byte[element[1]];
                System.arraycopy(der, element[0], content, 0, element[1]);
                return content;
            }
            position = element[0] + element[1];
        }
        return null;
    }

    /** The start of the content and its length for the element at {@code at}; null when malformed. */
    static int @Nullable [] header(byte[] der, int at) {
        if (at + 2 > der.length) {
            return null;
        }
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return new int[] {at + 2, first};
        }
        int bytes = first & 0x7f;
        if (bytes == 0 || bytes > 3 || at + 2 + bytes > der.length) {
            return null;
        }
        int length = 0;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (der[at + 2 + i] & 0xff);
        }
        int start = at + 2 + bytes;
        return start + length > der.length ? null : new int[] {start, length};
    }
}
