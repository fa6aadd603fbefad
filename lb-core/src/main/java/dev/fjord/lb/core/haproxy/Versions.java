package dev.fjord.lb.core.haproxy;

/**
 * Version numbers as {@code .if version_atleast(...)} compares them: dotted numbers, missing components zero, and a
 * {@code -devN} (or other) suffix before its release ({@code 2.4-dev19 < 2.4}). Stateless.
 */
final class Versions {
    private Versions() {}

    /**
     * Negative, zero or positive as {@code a} is older than, the same as or newer than {@code b}.
     *
     * @throws IllegalArgumentException for a version that does not start with a number
     */
    static int compare(String a, String b) {
        long[] x = parse(a);
        long[] y = parse(b);
        for (int i = 0; i < x.length; i++) {
            int order = Long.compare(x[i], y[i]);
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    /** Four components, then the suffix's rank: its number for {@code -devN}, else the largest for a release. */
    private static long[] parse(String version) {
        String text = version.strip();
        int dash = text.indexOf('-');
        String numbers = dash < 0 ? text : text.substring(0, dash);
        if (numbers.isEmpty() || !Character.isDigit(numbers.charAt(0))) {
            throw new IllegalArgumentException("version '" + version + "' (expected: e.g. 2.6, 2.4.22 or 2.5-dev3)");
        }
        long[] parsed = new long[5];
        String[] parts = numbers.split("\\.", -1);
        for (int i = 0; i < Math.min(parts.length, 4); i++) {
            if (parts[i].isEmpty() || !parts[i].chars().allMatch(Character::isDigit) || parts[i].length() > 9) {
                throw new IllegalArgumentException(
                        "version '" + version + "' (expected: e.g. 2.6, 2.4.22 or 2.5-dev3)");
            }
            parsed[i] = Long.parseLong(parts[i]);
        }
        if (dash < 0) {
            parsed[4] = Long.MAX_VALUE;
        } else {
            String suffix = text.substring(dash + 1).replaceAll("[^0-9]", "");
            parsed[4] = suffix.isEmpty() || suffix.length() > 9 ? 0 : Long.parseLong(suffix);
        }
        return parsed;
    }
}
