package dev.fjord.lb.examples;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of the W3C WebDriver protocol to drive Debian's headless Chromium through its chromedriver: open a
 * page, run a script, take a screenshot. Starts chromedriver on a free loopback port and stops it (by its own
 * process handle) on close.
 */
final class WebDriver implements AutoCloseable {
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final Process driver;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final String session;

    WebDriver() throws IOException, InterruptedException {
        this(java.util.List.of());
    }

    /** A browser started with {@code extraArgs} too, e.g. {@code --ignore-certificate-errors-spki-list=...}. */
    WebDriver(java.util.List<String> extraArgs) throws IOException, InterruptedException {
        StringBuilder more = new StringBuilder();
        for (String arg : extraArgs) {
            more.append(',').append(quote(arg));
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        base = "http://127.0.0.1:" + port;
        String created = null;
        for (int attempt = 0; attempt < 50 && created == null; attempt++) {
            try {
                created = send(
                        "POST",
                        "/session",
                        "{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"chrome\","
                                + "\"goog:chromeOptions\":{\"binary\":\"" + CHROMIUM
                                + "\",\"args\":[\"--headless=new\","
                                + "\"--no-sandbox\",\"--disable-gpu\",\"--disable-dev-shm-usage\","
                                + "\"--window-size=1400,900\"" + more + "]}}}}");
            } catch (IOException e) {
                Thread.sleep(100); // chromedriver is starting: bounded to 5 s
            }
        }
        if (created == null) {
            close();
            throw new IOException("chromedriver did not start on " + base);
        }
        Matcher id = Pattern.compile("\"sessionId\"\\s*:\\s*\"([^\"]+)\"").matcher(created);
        if (!id.find()) {
            close();
            throw new IOException("no WebDriver session: " + created);
        }
        session = "/session/" + id.group(1);
    }

    void open(String url) throws IOException, InterruptedException {
        send("POST", session + "/url", "{\"url\":\"" + url + "\"}");
    }

    /** Runs {@code script} in the page and returns the JSON text of its value. */
    String script(String script) throws IOException, InterruptedException {
        String body = "{\"script\":" + quote(script) + ",\"args\":[]}";
        String response = send("POST", session + "/execute/sync", body);
        return response.substring(response.indexOf(':') + 1, response.lastIndexOf('}'))
                .strip();
    }

    void screenshot(Path file) throws IOException, InterruptedException {
        String response = send("GET", session + "/screenshot", null);
        Matcher value = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]+)\"").matcher(response);
        if (!value.find()) {
            throw new IOException("no screenshot: " + response);
        }
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(value.group(1)));
    }

    private String send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    @Override
    public void close() {
        if (session != null) {
            try {
                send("DELETE", session, null);
            } catch (IOException | InterruptedException | RuntimeException e) {
                // the browser goes with chromedriver below
            }
        }
        driver.descendants().forEach(ProcessHandle::destroy);
        driver.destroy();
    }
}
