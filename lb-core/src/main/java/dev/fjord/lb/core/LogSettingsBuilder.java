package dev.fjord.lb.core;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.fjord.lb.core.internal.SectionKeywords;
import dev.fjord.lb.core.internal.Tokens;

/**
 * The logging setters of {@link Settings} ({@code log}, {@code option httplog}, {@code log-format},
 * {@code unique-id-format}, ...), which every {@link SettingsBuilder} has. Not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class LogSettingsBuilder<B extends LogSettingsBuilder<B>> {
    final String context;
    private final Set<String> touched = new LinkedHashSet<>();
    LogFormat logFormat;
    boolean dontLogNull;
    boolean logGlobal;
    List<LogTarget> logTargets;
    LogOptions logOptions;

    LogSettingsBuilder(String context, Settings defaults) {
        this.context = context;
        logFormat = defaults.logFormat();
        dontLogNull = defaults.dontLogNull();
        logGlobal = defaults.logGlobal();
        logTargets = defaults.logTargets();
        logOptions = defaults.logOptions();
    }

    /** Notes that this section set {@code keyword}; this builder. */
    @SuppressWarnings("unchecked")
    final B touch(String keyword) {
        touched.add(keyword);
        return (B) this;
    }

    /** The access-log format ({@code option httplog}, {@code option tcplog}); default {@link LogFormat#DEFAULT}. */
    public B logFormat(LogFormat logFormat) {
        this.logFormat = Objects.requireNonNull(logFormat, "logFormat");
        this.logOptions = logOptions.withCustomFormat(null); // the last format line wins, as in HAProxy
        return touch(logFormat == LogFormat.TCP ? "option tcplog" : "option httplog");
    }

    /** Whether connections that sent nothing are left out of the log ({@code option dontlognull}); default false. */
    public B dontLogNull(boolean dontLogNull) {
        this.dontLogNull = dontLogNull;
        return touch("option dontlognull");
    }

    /** Whether log lines go to the global log targets ({@code log global}); default false. */
    public B logGlobal(boolean logGlobal) {
        this.logGlobal = logGlobal;
        return touch("log global");
    }

    /**
     * Adds a log target of this section ({@code log ADDRESS FACILITY [LEVEL]}), after those inherited from the
     * defaults; with {@code log global} too, lines go to the global targets and to these.
     */
    public B log(LogTarget target) {
        List<LogTarget> targets = new java.util.ArrayList<>(logTargets);
        targets.add(Objects.requireNonNull(target, "target"));
        this.logTargets = List.copyOf(targets);
        return touch("log");
    }

    /**
     * Forgets the log targets and {@code log global} inherited from the defaults: this section logs nothing
     * ({@code no log}).
     */
    public B noLog() {
        this.logGlobal = false;
        this.logTargets = List.of();
        return touch("no log");
    }

    /**
     * Only failed requests are logged ({@code option dontlog-normal}): a 5xx, a termination state other than
     * {@code --}, a retry; default false. Frontends only.
     */
    public B dontLogNormal(boolean dontLogNormal) {
        this.logOptions = logOptions.withDontLogNormal(dontLogNormal);
        return touch("option dontlog-normal");
    }

    /**
     * A new connection that sends nothing in time (a browser's pre-connect) is closed without a 408 and without a
     * log line ({@code option http-ignore-probes}); default false. Frontends only.
     */
    public B ignoreProbes(boolean ignoreProbes) {
        this.logOptions = logOptions.withIgnoreProbes(ignoreProbes);
        return touch("option http-ignore-probes");
    }

    /** Lines of failed requests are sent at level {@code err} ({@code option log-separate-errors}); default false. */
    public B logSeparateErrors(boolean logSeparateErrors) {
        this.logOptions = logOptions.withLogSeparateErrors(logSeparateErrors);
        return touch("option log-separate-errors");
    }

    /**
     * Every change of a server's health-check result is logged to the backend's log targets, not only its state
     * changes ({@code option log-health-checks}); default false. Backends only.
     */
    public B logHealthChecks(boolean logHealthChecks) {
        this.logOptions = logOptions.withLogHealthChecks(logHealthChecks);
        return touch("option log-health-checks");
    }

    /**
     * The access-log line as a {@code log-format} string of HAProxy's {@code %} variables ({@link CustomLogFormat}
     * lists those known); default none: {@link #logFormat(LogFormat)}'s format. Frontends only.
     *
     * @throws ConfigException naming a variable that is unknown or not supported
     */
    public B logFormat(String format) {
        try {
            CustomLogFormat.parse(format);
        } catch (ConfigException e) {
            throw new ConfigException(context + ": log-format: " + e.getMessage());
        }
        this.logOptions = logOptions.withCustomFormat(format);
        return touch("log-format");
    }

    /**
     * Each request gets a unique ID made from {@code format}, a log-format of what is known when it is routed
     * ({@code unique-id-format}; e.g. {@code %[uuid()]}, or {@code %{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid}):
     * {@code %ID} in the access log, the {@code unique-id} fetch; default none. Frontends only.
     *
     * @throws ConfigException naming a variable not known when the request is routed
     */
    public B uniqueIdFormat(String format) {
        try {
            CustomLogFormat.parseUniqueId(format);
        } catch (ConfigException e) {
            throw new ConfigException(context + ": unique-id-format: " + e.getMessage());
        }
        this.logOptions = logOptions.withUniqueIdFormat(format);
        return touch("unique-id-format");
    }

    /** Sends the unique ID to servers in request header {@code name} ({@code unique-id-header}); default none. */
    public B uniqueIdHeader(String name) {
        if (!Tokens.isToken(name)) {
            throw new ConfigException(context + ": unique-id-header '" + name + "' (expected: a header name)");
        }
        this.logOptions = logOptions.withUniqueIdHeader(name);
        return touch("unique-id-header");
    }

    /** Fails when this section set a keyword that HAProxy allows only in the other kind of section. */
    void rejectKeywordsOf(boolean frontend) {
        Set<String> forbidden = frontend ? SectionKeywords.BACKEND_ONLY : SectionKeywords.FRONTEND_ONLY;
        for (String keyword : touched) {
            if (forbidden.contains(keyword)) {
                throw new ConfigException(context + ": '" + keyword + "' is not allowed in a "
                        + (frontend ? "frontend" : "backend") + " (allowed in: defaults, "
                        + (frontend ? "backend" : "frontend") + ", listen)");
            }
        }
    }
}
