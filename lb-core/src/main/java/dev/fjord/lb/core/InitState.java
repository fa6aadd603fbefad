package dev.fjord.lb.core;

/** How a checked server starts, as HAProxy's {@code init-state}. */
public enum InitState {
    /** UP; {@code fall} failed checks mark it DOWN ({@code fully-up}), the default. */
    FULLY_UP,
    /** UP; the first failed check marks it DOWN ({@code up}). */
    UP,
    /** DOWN; the first passed check marks it UP ({@code down}). */
    DOWN,
    /** DOWN; {@code rise} passed checks mark it UP ({@code fully-down}): checked before it takes traffic. */
    FULLY_DOWN
}
