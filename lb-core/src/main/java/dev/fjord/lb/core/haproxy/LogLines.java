package dev.fjord.lb.core.haproxy;

import java.util.List;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.LogTarget;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * {@code log ADDRESS [len LENGTH] [format FORMAT] FACILITY [LEVEL [MINLEVEL]]}, as the {@code global} section and
 * the proxies write it. Stateless.
 */
final class LogLines {
    private static final String EXPECTED =
            "expected: log ADDRESS [len LENGTH] [format FORMAT] FACILITY [LEVEL [MINLEVEL]], or log global";

    private LogLines() {}

    /**
     * The target a {@code log} line names.
     *
     * @throws IllegalArgumentException naming what is wrong and the expected form
     */
    static LogTarget target(Line line) {
        List<String> words = line.words();
        if (words.size() < 3) {
            throw new IllegalArgumentException(
                    "'" + String.join(" ", words.subList(1, words.size())) + "': missing facility (" + EXPECTED + ")");
        }
        String address = words.get(1);
        int length = 1024;
        LogTarget.Format format = LogTarget.Format.LOCAL;
        int i = 2;
        while (i + 1 < words.size()) {
            String option = words.get(i);
            if (option.equals("len")) {
                length = Values.integer(words.get(i + 1));
            } else if (option.equals("format")) {
                format = LogTarget.Format.of(words.get(i + 1));
            } else if (option.equals("sample") || option.equals("profile")) {
                throw new ConfigException("log option '" + option + "' is not supported yet");
            } else {
                break;
            }
            i += 2;
        }
        List<String> rest = words.subList(i, words.size());
        if (rest.isEmpty() || rest.size() > 3) {
            throw new IllegalArgumentException(
                    "'" + String.join(" ", words.subList(1, words.size())) + "' (" + EXPECTED + ")");
        }
        LogTarget target = new LogTarget(address, rest.get(0), rest.size() > 1 ? rest.get(1) : null)
                .withFormat(format)
                .withMaxLength(length);
        return rest.size() > 2 ? target.withMinLevel(rest.get(2)) : target;
    }
}
