package dev.fjord.lb.examples.faults;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The fault suite: every scenario against Fjord and HAProxy (when installed at {@link ProxyProcess#HAPROXY}), with
 * the same haproxy.cfg, real processes and sockets on 127.0.0.1; prints a Markdown table, scenario | proxy |
 * errors/total | slowest | peak RSS | notes. Logs and configurations stay in a work folder (a new temporary one, or
 * {@code --dir DIR}).
 *
 * <pre>{@code
 * java -cp lb-examples/target/lb-examples.jar dev.fjord.lb.examples.faults.FaultSuite \
 *     [--only sigkill,resets,midbody,slow,overload,idle,abortonclose,drain,reload,soak] [--soak-seconds 60] \
 *     [--rounds 1] [--no-haproxy] [--dir DIR]
 * }</pre>
 *
 * Defaults: all scenarios, a 60 s soak, one round, both proxies. With {@code --rounds N} the suite runs N times
 * (each scenario on Fjord, then on HAProxy, within a round, since this kind of machine drifts over minutes) and the
 * table gives the medians ({@link ScenarioResult#median}). The scenario methods are in {@link ServerFaults},
 * {@link LoadFaults} and {@link OperatorFaults}; the tests call them with shorter runs.
 */
public final class FaultSuite {
    /** The scenarios, in the order they run. */
    public static final List<String> SCENARIOS = List.of(
            "sigkill", "resets", "midbody", "slow", "overload", "idle", "abortonclose", "drain", "reload", "soak");

    private FaultSuite() {}

    public static void main(String[] args) throws IOException {
        Set<String> only = Set.copyOf(SCENARIOS);
        int soakSeconds = 60;
        int rounds = 1;
        boolean haproxy = true;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--only" -> only = Set.of(value(args, ++i).split(","));
                case "--soak-seconds" -> soakSeconds = Integer.parseInt(value(args, ++i));
                case "--rounds" -> rounds = Integer.parseInt(value(args, ++i));
                case "--no-haproxy" -> haproxy = false;
                case "--dir" -> dir = Path.of(value(args, ++i));
                default -> {
                    System.err.println("FaultSuite: unknown option '" + args[i] + "'");
                    System.err.println("usage: FaultSuite [--only NAME,...] [--soak-seconds N] [--rounds N]"
                            + " [--no-haproxy] [--dir DIR]; scenarios: " + String.join(",", SCENARIOS));
                    System.exit(2);
                    return;
                }
            }
        }
        if (!SCENARIOS.containsAll(only) || rounds < 1 || rounds > 9 || soakSeconds < 1 || soakSeconds > 3600) {
            System.err.println("FaultSuite: unknown scenario in " + only + " (known: " + SCENARIOS + "), or rounds "
                    + rounds + " not within 1-9, or soak seconds " + soakSeconds + " not within 1-3600");
            System.exit(2);
            return;
        }
        Path work = dir != null ? dir : Files.createTempDirectory("fjord-faults");
        List<ProxyProcess.Kind> kinds = new ArrayList<>(List.of(ProxyProcess.Kind.FJORD));
        if (haproxy && ProxyProcess.haproxyInstalled()) {
            kinds.add(ProxyProcess.Kind.HAPROXY);
        } else if (haproxy) {
            System.out.println("HAProxy is not installed at " + ProxyProcess.HAPROXY + ": Fjord only.");
        }
        System.out.println(
                "Fault suite in " + work + ", " + Runtime.getRuntime().availableProcessors() + " CPUs");
        Map<String, BiFunction<ProxyProcess.Kind, Path, ScenarioResult>> scenarios = scenarios(soakSeconds);
        List<ScenarioResult> results = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Path roundDir = rounds == 1 ? work : work.resolve("round-" + round);
            for (var scenario : scenarios.entrySet()) {
                String name = scenario.getKey();
                if (!only.contains(name)) {
                    continue;
                }
                for (ProxyProcess.Kind kind : kinds) { // alternating: Fjord, then HAProxy, scenario by scenario
                    ScenarioResult result = scenario.getValue()
                            .apply(kind, roundDir.resolve(name).resolve(kind.label()));
                    System.out.println(result.row());
                    results.add(result);
                }
            }
        }
        System.out.println();
        if (rounds > 1) {
            System.out.println("Medians of " + rounds + " rounds:");
            printTable(medians(results), System.out);
        } else {
            printTable(results, System.out);
        }
    }

    /** The median of each scenario on each proxy over the rounds of {@code results}, in the order they ran. */
    static List<ScenarioResult> medians(List<ScenarioResult> results) {
        Map<String, List<ScenarioResult>> byRow = new LinkedHashMap<>();
        for (ScenarioResult result : results) {
            byRow.computeIfAbsent(result.scenario() + " " + result.proxy(), row -> new ArrayList<>())
                    .add(result);
        }
        return byRow.values().stream().map(ScenarioResult::median).toList();
    }

    /** The scenarios at the suite's lengths, by name. */
    static Map<String, BiFunction<ProxyProcess.Kind, Path, ScenarioResult>> scenarios(int soakSeconds) {
        Map<String, BiFunction<ProxyProcess.Kind, Path, ScenarioResult>> scenarios = new LinkedHashMap<>();
        scenarios.put("sigkill", (kind, dir) -> ServerFaults.sigkill(kind, dir, Duration.ofSeconds(12)));
        scenarios.put("resets", (kind, dir) -> ServerFaults.resets(kind, dir, Duration.ofSeconds(8)));
        scenarios.put("midbody", (kind, dir) -> ServerFaults.midBody(kind, dir, Duration.ofSeconds(8)));
        scenarios.put("slow", (kind, dir) -> ServerFaults.slow(kind, dir, Duration.ofSeconds(6)));
        scenarios.put("overload", (kind, dir) -> LoadFaults.overload(kind, dir, Duration.ofSeconds(10)));
        scenarios.put("idle", (kind, dir) -> LoadFaults.idle(kind, dir, 10_000));
        scenarios.put("abortonclose", OperatorFaults::abortOnClose);
        scenarios.put("drain", (kind, dir) -> OperatorFaults.drain(kind, dir, Duration.ofSeconds(8)));
        scenarios.put("reload", (kind, dir) -> OperatorFaults.reload(kind, dir, Duration.ofSeconds(12)));
        scenarios.put("soak", (kind, dir) -> LoadFaults.soak(kind, dir, Duration.ofSeconds(soakSeconds)));
        return scenarios;
    }

    /** Prints {@code results} as a Markdown table. */
    public static void printTable(List<ScenarioResult> results, PrintStream out) {
        out.println(ScenarioResult.TABLE_HEAD);
        results.forEach(result -> out.println(result.row()));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + ": missing value");
        }
        return args[i];
    }
}
