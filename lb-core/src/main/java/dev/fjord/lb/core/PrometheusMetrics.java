package dev.fjord.lb.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.fjord.lb.core.PrometheusText.Kind;
import dev.fjord.lb.core.PrometheusText.Metric;

/**
 * The table of {@link PrometheusText}, read from {@code prometheus-metrics.txt} beside this class: each metric of
 * HAProxy's exporter (2.6) whose counter Fjord keeps, with HAProxy's name, type and HELP text, and the
 * {@link StatsCsv} column it is read from. Stateless.
 */
final class PrometheusMetrics {
    private PrometheusMetrics() {}

    static List<Metric> all() {
        List<Metric> metrics = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(
                        PrometheusMetrics.class.getResourceAsStream("prometheus-metrics.txt"),
                        "prometheus-metrics.txt");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\\|", 6);
                int column = StatsCsv.COLUMNS.indexOf(fields[3]);
                if (fields.length != 6 || column < 0) {
                    throw new IllegalStateException("prometheus-metrics.txt: bad line '" + line + "'");
                }
                metrics.add(new Metric(fields[0], fields[1], fields[2], fields[5], column, Kind.valueOf(fields[4])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(metrics);
    }
}
