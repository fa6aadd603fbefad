package dev.fjord.lb.core;

import java.util.List;
import java.util.Locale;

/** Reads {@code Accept-Encoding} (RFC 9110 section 12.5.3): the quality a client gives a content coding. Stateless. */
final class AcceptEncoding {
    private AcceptEncoding() {}

    /**
     * The {@code q} of {@code coding} in {@code headers}' values: its own entry's, else {@code *}'s, else 0; a
     * malformed {@code q} counts as 0, as does a coding the client did not list. {@code x-gzip} is {@code gzip}.
     */
    static double quality(List<String> headers, String coding) {
        double own = -1;
        double any = -1;
        for (String header : headers) {
            for (String entry : header.split(",", -1)) {
                String[] parts = entry.split(";", -1);
                String name = parts[0].trim().toLowerCase(Locale.ROOT);
                if (name.equals("x-gzip")) {
                    name = "gzip";
                }
                double q = 1;
                for (int i = 1; i < parts.length; i++) {
                    String parameter = parts[i].trim();
                    if (parameter.length() > 2
                            && (parameter.charAt(0) == 'q' || parameter.charAt(0) == 'Q')
                            && parameter.charAt(1) == '=') {
                        q = parse(parameter.substring(2).trim());
                    }
                }
                if (name.equals(coding)) {
                    own = Math.max(own, q);
                } else if (name.equals("*")) {
                    any = Math.max(any, q);
                }
            }
        }
        return own >= 0 ? own : Math.max(any, 0);
    }

    /** A qvalue ({@code 0}, {@code 0.5}, {@code 1.000}); 0 when it is not one. */
    private static double parse(String value) {
        if (!value.matches("(0(\\.\\d{0,3})?|1(\\.0{0,3})?)")) {
            return 0;
        }
        return Double.parseDouble(value);
    }
}
