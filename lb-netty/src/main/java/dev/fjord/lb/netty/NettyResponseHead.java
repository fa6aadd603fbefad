package dev.fjord.lb.netty;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import dev.fjord.lb.core.EditableResponseHead;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A Netty {@link HttpResponse} seen as lb-core's {@link EditableResponseHead}: the rules edit the relayed response in
 * place, without a copy. Made only for responses that have rules to run. Not thread-safe: one event loop.
 */
final class NettyResponseHead implements EditableResponseHead {
    private final HttpResponse response;

    NettyResponseHead(HttpResponse response) {
        this.response = response;
    }

    @Override
    public int status() {
        return response.status().code();
    }

    @Override
    public String reason() {
        return response.status().reasonPhrase();
    }

    @Override
    public String version() {
        return response.protocolVersion().text();
    }

    @Override
    public List<String> headers(String name) {
        return response.headers().getAll(name);
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        Iterator<Map.Entry<CharSequence, CharSequence>> fields =
                response.headers().iteratorCharSequence();
        while (fields.hasNext()) {
            Map.Entry<CharSequence, CharSequence> field = fields.next();
            action.accept(field.getKey().toString(), field.getValue().toString());
        }
    }

    @Override
    public void status(int status, String reason) {
        response.setStatus(new HttpResponseStatus(status, reason));
    }

    @Override
    public void setHeader(String name, String value) {
        response.headers().set(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        response.headers().add(name, value);
    }

    @Override
    public void removeHeader(String name) {
        response.headers().remove(name);
    }

    @Override
    public void replaceHeaders(String name, List<String> values) {
        HttpHeaders headers = response.headers();
        headers.set(name, values); // an empty list removes the header
    }
}
