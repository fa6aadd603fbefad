package dev.fjord.lb.core;

import java.time.Duration;

/**
 * HAProxy's health counter of one server: 0 to {@code rise + fall - 1}; the server is UP from {@code rise} up.
 * A passed check adds one, a failed one takes one away, so a fully UP server goes DOWN after {@code fall} failures
 * in a row and a DOWN one comes back after {@code rise} successes, and alternating results never flap. Pure and
 * not thread-safe: {@link HealthChecks} owns it.
 */
final class HealthCounter {
    private final int rise;
    private final int max;
    private int health;
    private boolean up;
    private boolean fastUntilCheck;

    HealthCounter(int rise, int fall, InitState init) {
        this.rise = rise;
        this.max = rise + fall - 1;
        this.health = switch (init) {
            case FULLY_UP -> max;
            case UP -> rise;
            case DOWN -> rise - 1;
            case FULLY_DOWN -> 0;
        };
        this.up = init == InitState.FULLY_UP || init == InitState.UP;
    }

    boolean isUp() {
        return up;
    }

    int health() {
        return health;
    }

    /** HAProxy's {@code status: } of the counter: {@code 2/3 UP} (or {@code DRAIN} at weight 0), {@code 1/2 DOWN}. */
    String status(int fall, boolean drained) {
        return up ? (health - rise + 1) + "/" + fall + (drained ? " DRAIN" : " UP") : health + "/" + rise + " DOWN";
    }

    /** Applies one check; returns whether the UP/DOWN state changed. */
    boolean check(boolean passed) {
        fastUntilCheck = false;
        if (passed) {
            if (health < max) {
                health++;
            }
            if (!up && health >= rise) {
                up = true;
                health = max; // HAProxy jumps to fully up once risen
                return true;
            }
            return false;
        }
        if (health > 0) {
            health--;
        }
        if (up && health < rise) {
            up = false;
            health = 0; // and to fully down once fallen
            return true;
        }
        return false;
    }

    /** Forces DOWN ({@code on-error mark-down}); returns whether the state changed. */
    boolean markDown() {
        health = 0;
        if (up) {
            up = false;
            return true;
        }
        return false;
    }

    /**
     * A passive check reached its error limit ({@link ObservedErrors}): applies {@code action} and returns whether
     * the UP/DOWN state changed.
     */
    boolean errorLimitReached(PassiveCheck.OnError action) {
        return switch (action) {
            case FASTINTER -> {
                fastUntilCheck = true;
                yield false;
            }
            case FAIL_CHECK -> check(false);
            case SUDDEN_DEATH -> {
                if (up) {
                    health = Math.min(health, rise); // one more failed check and it is DOWN
                }
                fastUntilCheck = true;
                yield false;
            }
            case MARK_DOWN -> markDown();
        };
    }

    /** The wait before the next check: {@code downinter} when fully DOWN, {@code fastinter} in between. */
    Duration nextInterval(ServerConfig config) {
        if (!up && health == 0 && !fastUntilCheck) {
            return config.downInter();
        }
        if (fastUntilCheck || health < max) {
            return config.fastInter();
        }
        return config.inter();
    }
}
