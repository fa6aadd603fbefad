package dev.fjord.lb.examples.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility set ({@code src/test/resources/compat}): haproxy.cfg files written from HAProxy's documentation
 * and common deployments, each accepted by HAProxy 2.6's {@code haproxy -c}, imported as it is, started on loopback
 * ({@link CompatRun}) and checked for one behaviour it configures ({@link RoutingChecks}, {@link OperationsChecks},
 * {@link TlsChecks}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompatibilitySetTest {
    private static final Map<String, CompatCheck> CHECKS = new HashMap<>();

    static {
        CHECKS.putAll(RoutingChecks.all());
        CHECKS.putAll(OperationsChecks.all());
        CHECKS.putAll(TlsChecks.all());
    }

    static List<String> files() throws IOException, URISyntaxException {
        Path folder = Path.of(Objects.requireNonNull(CompatibilitySetTest.class.getResource("/compat"), "/compat")
                .toURI());
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".cfg"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void theSetHasTwentyFilesOrMoreAndEachItsCheck() throws Exception {
        assertThat(files()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(CHECKS.keySet()).containsExactlyInAnyOrderElementsOf(files());
    }

    /** HAProxy itself, when installed (Debian's haproxy package): each file is valid for {@code haproxy -c}. */
    @ParameterizedTest(name = "haproxy -c {0}")
    @MethodSource("files")
    void haproxyAcceptsIt(String file) throws Exception {
        Path haproxy = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(dir -> Path.of(dir, "haproxy"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        Assumptions.assumeTrue(haproxy != null, "haproxy is not installed");
        Path folder = Path.of(Objects.requireNonNull(CompatibilitySetTest.class.getResource("/compat"), "/compat")
                .toURI());
        ProcessBuilder check = new ProcessBuilder(
                        haproxy.toString(),
                        "-c",
                        "-q",
                        "-f",
                        folder.resolve(file).toString())
                .redirectErrorStream(true);
        check.environment().put("COMPAT_DIR", folder.toString());
        Process process = check.start();
        try {
            assertThat(process.waitFor(20, TimeUnit.SECONDS))
                    .as("haproxy -c within 20 s")
                    .isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void importedStartedOnLoopbackAndDoingWhatItConfigures(String file) throws Exception {
        CompatCheck check = Objects.requireNonNull(CHECKS.get(file), () -> file + " has no check");
        try (CompatRun run = CompatRun.start(file, check.dead())) {
            check.verifier().verify(run);
        }
    }
}
