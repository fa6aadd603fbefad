package dev.fjord.lb.core;

/** Receives {@link ServerEvent}s. Called on the thread that caused the event; must not block. */
@FunctionalInterface
public interface ServerEventListener {
    /** Ignores every event. */
    ServerEventListener NONE = event -> {};

    void onEvent(ServerEvent event);
}
