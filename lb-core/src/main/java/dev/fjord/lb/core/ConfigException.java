package dev.fjord.lb.core;

/**
 * An invalid configuration value or reference. The message names the element, the value and what was expected,
 * for example {@code backend 'app': server 'web1': weight 300 (expected: 0-256)}.
 *
 * <p>Builders throw it as soon as a value is set; {@code build()} throws it for cross-references; an import reads
 * the whole file and throws one with every error it found ({@link #errors()}).
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    /** Every error, in the order found; one for a builder's error, several for an import's. */
    private final java.util.List<String> errors;

    public ConfigException(String message) {
        super(message);
        this.errors = java.util.List.of(message);
    }

    /**
     * Several errors at once, as an import finds them: the message lists them one per line.
     *
     * @throws IllegalArgumentException when {@code errors} is empty
     */
    public ConfigException(java.util.List<String> errors) {
        super(String.join("\n", errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("errors: none (expected: at least one)");
        }
        this.errors = java.util.List.copyOf(errors);
    }

    /** The message: never null (it names the element, the value and what was expected). */
    @Override
    public String getMessage() {
        return java.util.Objects.requireNonNullElse(super.getMessage(), "");
    }

    /** Every error this exception stands for, in the order found. */
    public java.util.List<String> errors() {
        return errors;
    }
}
