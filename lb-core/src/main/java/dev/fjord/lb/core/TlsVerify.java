package dev.fjord.lb.core;

/** Whether a peer's certificate is asked for and checked ({@code verify none|optional|required}). */
public enum TlsVerify {
    /** Not asked for (a bind), or not checked (a server). */
    NONE,
    /** Asked for; a client that sends none is let in, one that sends an untrusted one is not (binds only). */
    OPTIONAL,
    /** Required, and checked against the {@code ca-file}. */
    REQUIRED;

    /**
     * The value of a bind's {@code verify} word.
     *
     * @throws ConfigException for another word
     */
    public static TlsVerify parse(String word) {
        return switch (word) {
            case "none" -> NONE;
            case "optional" -> OPTIONAL;
            case "required" -> REQUIRED;
            default -> throw new ConfigException("verify '" + word + "' (expected: none, optional or required)");
        };
    }

    /** The word in a haproxy.cfg: {@code none}, {@code optional}, {@code required}. */
    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
