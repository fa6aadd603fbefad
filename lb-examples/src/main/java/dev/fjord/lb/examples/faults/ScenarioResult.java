package dev.fjord.lb.examples.faults;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * One scenario run against one proxy: the row of the suite's table, and the named figures the tests check (e.g.
 * {@code mixedUp}, {@code leaks}). A scenario the proxy could not run (it refused the cfg, say) has {@code failure}
 * set and no figures. Immutable.
 *
 * @param scenario the scenario's name, e.g. {@code sigkill}
 * @param proxy {@code fjord} or {@code haproxy}
 * @param errors requests that did not end in a correct 2xx
 * @param total requests
 * @param slowestMillis the slowest request
 * @param peakRssMb the proxy's peak resident memory ({@code VmHWM}) in MB
 * @param figures the scenario's own figures by name
 * @param notes the figures and remarks for a human, one line
 * @param failure why the scenario could not run; "" when it ran
 */
public record ScenarioResult(
        String scenario,
        String proxy,
        long errors,
        long total,
        long slowestMillis,
        double peakRssMb,
        Map<String, Long> figures,
        String notes,
        String failure) {
    /** The table's head, in Markdown. */
    public static final String TABLE_HEAD =
            "| scenario | proxy | errors/total | slowest | peak RSS | notes |\n|---|---|---|---|---|---|";

    public ScenarioResult {
        figures = Map.copyOf(figures);
    }

    /** A scenario that could not run on {@code proxy}, and why. */
    public static ScenarioResult failed(String scenario, String proxy, String why) {
        return new ScenarioResult(scenario, proxy, 0, 0, 0, 0, Map.of(), "", why);
    }

    /**
     * The median of several rounds of one scenario on one proxy: errors, total, slowest and peak RSS are each the
     * median of the rounds that ran (the lower middle of an even count); the figures and notes are the round's
     * whose slowest is the median, after the rounds' errors and slowest. A round that did not run is counted in
     * the notes; when none ran, the first one's failure.
     */
    public static ScenarioResult median(List<ScenarioResult> rounds) {
        List<ScenarioResult> ran = rounds.stream().filter(ScenarioResult::ran).toList();
        if (ran.isEmpty()) {
            return rounds.get(0);
        }
        List<ScenarioResult> bySlowest = ran.stream()
                .sorted(Comparator.comparingLong(ScenarioResult::slowestMillis))
                .toList();
        ScenarioResult middle = bySlowest.get((bySlowest.size() - 1) / 2);
        String perRound = "median of %d rounds (errors %s; slowest %s ms%s); that round: "
                .formatted(
                        ran.size(),
                        ran.stream().map(r -> String.valueOf(r.errors())).collect(Collectors.joining(", ")),
                        ran.stream().map(r -> String.valueOf(r.slowestMillis())).collect(Collectors.joining(", ")),
                        ran.size() < rounds.size() ? "; " + (rounds.size() - ran.size()) + " did not run" : "");
        return new ScenarioResult(
                middle.scenario,
                middle.proxy,
                (long) median(ran, ScenarioResult::errors),
                (long) median(ran, ScenarioResult::total),
                middle.slowestMillis,
                median(ran, ScenarioResult::peakRssMb),
                middle.figures,
                perRound + middle.notes,
                "");
    }

    private static double median(List<ScenarioResult> rounds, ToDoubleFunction<ScenarioResult> value) {
        double[] sorted = rounds.stream().mapToDouble(value).sorted().toArray();
        return sorted[(sorted.length - 1) / 2];
    }

    /** Whether the scenario ran. */
    public boolean ran() {
        return failure.isEmpty();
    }

    /**
     * The figure {@code name}.
     *
     * @throws IllegalStateException when the scenario did not run, or has no such figure
     */
    public long figure(String name) {
        if (!ran()) {
            throw new IllegalStateException(scenario + " on " + proxy + " did not run: " + failure);
        }
        Long value = figures.get(name);
        if (value == null) {
            throw new IllegalStateException(
                    scenario + " has no figure '" + name + "' (it has " + figures.keySet() + ")");
        }
        return value;
    }

    /** The table row, in Markdown. */
    public String row() {
        if (!ran()) {
            return "| " + scenario + " | " + proxy + " | - | - | - | did not run: " + oneLine(failure) + " |";
        }
        return "| %s | %s | %d/%d | %d ms | %.1f MB | %s |"
                .formatted(scenario, proxy, errors, total, slowestMillis, peakRssMb, oneLine(notes));
    }

    private static String oneLine(String text) {
        String line = text.replace('\n', ' ').replace("|", "\\|").trim();
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }
}
