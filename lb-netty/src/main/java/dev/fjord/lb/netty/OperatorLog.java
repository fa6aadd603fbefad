package dev.fjord.lb.netty;

import java.lang.System.Logger.Level;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Where Fjord's messages for operators go (server events, access-log lines without a target, start and stop): to
 * SLF4J when the application has an SLF4J provider, else to the JDK's {@link System.Logger} (java.util.logging,
 * which prints INFO and above to standard error by default), so that they never vanish into SLF4J's no-op logger.
 * Thread-safe.
 */
final class OperatorLog {
    /** Whether SLF4J found a provider; decided once, on first use. */
    private static final boolean SLF4J_BOUND = !(LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory);

    static {
        if (!SLF4J_BOUND) {
            System.getLogger("dev.fjord.lb")
                    .log(
                            Level.INFO,
                            "SLF4J has no provider: Fjord logs through "
                                    + "java.util.logging (System.Logger) instead; add an SLF4J provider (logback, "
                                    + "log4j-slf4j2-impl, "
                                    + "slf4j-simple) to choose where its logs go");
        }
    }

    private final @org.jspecify.annotations.Nullable Logger slf4j;
    private final System.Logger jdk;

    private OperatorLog(String name, boolean slf4jBound) {
        this.slf4j = slf4jBound ? LoggerFactory.getLogger(name) : null;
        this.jdk = System.getLogger(name);
    }

    /** The log called {@code name}, on SLF4J when it has a provider. */
    static OperatorLog of(String name) {
        return new OperatorLog(name, SLF4J_BOUND);
    }

    /** The log called {@code name} on the JDK's System.Logger, as when SLF4J has no provider (for tests). */
    static OperatorLog jdk(String name) {
        return new OperatorLog(name, false);
    }

    void info(String message) {
        if (slf4j != null) {
            slf4j.info(message);
        } else {
            jdk.log(Level.INFO, message);
        }
    }

    void warn(String message) {
        if (slf4j != null) {
            slf4j.warn(message);
        } else {
            jdk.log(Level.WARNING, message);
        }
    }

    void warn(String message, Throwable error) {
        if (slf4j != null) {
            slf4j.warn(message, error);
        } else {
            jdk.log(Level.WARNING, message, error);
        }
    }

    void error(String message) {
        if (slf4j != null) {
            slf4j.error(message);
        } else {
            jdk.log(Level.ERROR, message);
        }
    }

    boolean isDebugEnabled() {
        return slf4j != null ? slf4j.isDebugEnabled() : jdk.isLoggable(Level.DEBUG);
    }

    void debug(String message) {
        if (slf4j != null) {
            slf4j.debug(message);
        } else {
            jdk.log(Level.DEBUG, message);
        }
    }
}
