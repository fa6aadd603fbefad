package dev.fjord.lb.core.haproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.internal.Words;

/**
 * Splits a haproxy.cfg into lines of words as HAProxy reads them: {@code #} starts a comment outside quotes, words
 * are separated by spaces and tabs, {@code "double"} quotes expand {@code ${VAR}} environment variables and
 * {@code 'single'} quotes do not, a backslash escapes the next character, and a backslash at the end of a line
 * continues it on the next; {@code .if} blocks keep or drop the lines they hold.
 */
final class Lines {
    private Lines() {}

    /** A line's words and its number in the file (the first line of a continued one). */
    record Line(int number, List<String> words) {
        String keyword() {
            return words.get(0);
        }

        String arg(int index) {
            return index < words.size() ? words.get(index) : "";
        }

        int size() {
            return words.size();
        }
    }

    /**
     * The lines of {@code text} that its conditional blocks keep ({@link ConditionalBlocks}); a line that cannot be
     * split (an unclosed quote) adds its error to {@code errors} and is left out. An environment variable that is not
     * set expands to nothing, as in HAProxy, with a warning.
     */
    static List<Line> split(
            String text, String file, Map<String, String> environment, List<String> errors, List<String> warnings) {
        List<Line> lines = new ArrayList<>();
        ConditionalBlocks blocks = new ConditionalBlocks(file, environment, errors, warnings);
        String[] raw = text.split("\r?\n", -1);
        for (int i = 0; i < raw.length; i++) {
            int number = i + 1;
            StringBuilder line = new StringBuilder(raw[i]);
            while (endsWithContinuation(line) && i + 1 < raw.length) {
                line.setLength(line.length() - 1);
                line.append(' ').append(raw[++i]);
            }
            List<String> words;
            try {
                words = words(line.toString(), file, number, environment, warnings);
            } catch (ConfigException e) {
                errors.add(e.getMessage());
                continue;
            }
            if (!words.isEmpty() && blocks.keeps(number, words)) {
                lines.add(new Line(number, words));
            }
        }
        blocks.end();
        return lines;
    }

    private static boolean endsWithContinuation(CharSequence line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static List<String> words(
            String line, String file, int number, Map<String, String> environment, List<String> warnings) {
        try {
            return Words.split(
                    line,
                    environment::get,
                    true,
                    name -> warnings.add(file + ":" + number + ": environment variable '" + name
                            + "' is not set (expanded to nothing, as HAProxy does)"));
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            if (message.startsWith("'")) {
                message = message.substring(message.indexOf(" has ") + 5); // "has an unclosed ' quote"
            }
            throw new ConfigException(file + ":" + number + ": " + message);
        }
    }
}
