package dev.fjord.lb.netty;

import dev.fjord.lb.core.OperationalState;
import dev.fjord.lb.core.ServerEvent;
import dev.fjord.lb.core.ServerEventListener;

/**
 * Writes server events to logger {@code dev.fjord.lb.health} (SLF4J, or the JDK's System.Logger when SLF4J has no
 * provider) in HAProxy's words: a server going DOWN is a
 * warning, a backend without servers an error, a server coming UP information, each check a debug line;
 * maintenance set by an operator is a warning, a drain or a return to READY information. {@link FjordProxy} and the
 * Reactor Netty client binding log through it. Stateless and thread-safe.
 */
public final class EventLog implements ServerEventListener {
    private final OperatorLog log;

    /** Writes to logger {@code dev.fjord.lb.health}. */
    public EventLog() {
        this(OperatorLog.of("dev.fjord.lb.health"));
    }

    EventLog(OperatorLog log) {
        this.log = log;
    }

    @Override
    public void onEvent(ServerEvent event) {
        if (event instanceof ServerEvent.StateChanged changed) {
            if (changed.to() == OperationalState.DOWN) {
                log.warn(event.message());
            } else {
                log.info(event.message());
            }
        } else if (event instanceof ServerEvent.AdminChanged changed) {
            if (changed.to() == dev.fjord.lb.core.AdminState.MAINT) {
                log.warn(event.message());
            } else {
                log.info(event.message());
            }
        } else if (event instanceof ServerEvent.Added || event instanceof ServerEvent.Removed) {
            log.info(event.message());
        } else if (event instanceof ServerEvent.NoServerAvailable) {
            log.error(event.message());
        } else if (log.isDebugEnabled()) {
            log.debug(event.message());
        }
    }
}
