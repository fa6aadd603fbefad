package dev.fjord.lb.netty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command line tool's run in a test (curl, openssl): its standard output and error. */
record CommandRun(String out, String err) {
    /**
     * {@code openssl s_client} to 127.0.0.1:{@code port} asking for {@code sni}, trusting the test CA, then
     * {@code options}.
     */
    static String[] sClient(int port, String sni, String... options) {
        List<String> command = new ArrayList<>(List.of(
                "/usr/bin/openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-servername",
                sni,
                "-CAfile",
                TlsFixtures.path("ca.pem")));
        command.addAll(List.of(options));
        return command.toArray(new String[0]);
    }

    /**
     * Runs {@code command}, its output in files under {@code dir}; with {@code stdinMillis} above 0 it is sent a GET
     * and its standard input stays open that long, then closes. At most 30 s.
     */
    static CommandRun run(Path dir, long stdinMillis, String... command) throws IOException, InterruptedException {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command)))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (stdinMillis > 0) {
            process.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            process.getOutputStream().flush();
            process.waitFor(stdinMillis, TimeUnit.MILLISECONDS);
        }
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + ": still running after 30 s");
        }
        return new CommandRun(
                Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
