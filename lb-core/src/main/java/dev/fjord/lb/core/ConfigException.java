package dev.fjord.lb.core;

/**
 * An invalid configuration value or reference. The message names the element, the value and what was expected,
 * for example {@code backend 'app': server 'web1': weight 300 (expected: 0-256)}.
 *
 * <p>Builders throw it as soon as a value is set; {@code build()} throws it for cross-references.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
