package dev.fjord.lb.netty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A TCP server on loopback that greets with its name, then echoes every byte back. */
final class EchoServer implements AutoCloseable {
    private final ProtocolServer server;
    final AtomicInteger connections;

    EchoServer(String name) throws IOException {
        server = new ProtocolServer(
                (in, out) -> {
                    out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    in.transferTo(out);
                },
                0);
        connections = server.connections;
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
