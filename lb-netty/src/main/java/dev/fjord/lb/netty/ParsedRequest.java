package dev.fjord.lb.netty;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A request head as {@link StrictRequestDecoder} made it, carrying to the access log how many header and trailer
 * fields were dropped as look-alikes or as not allowed in trailers. Not thread-safe: one connection's event loop.
 */
final class ParsedRequest extends DefaultHttpRequest {
    private int droppedFields;

    ParsedRequest(HttpVersion version, HttpMethod method, String uri) {
        super(version, method, uri, HttpMessages.CHECKED); // the parser checked every field
    }

    int droppedFields() {
        return droppedFields;
    }

    void dropped(int fields) {
        droppedFields += fields;
    }
}
