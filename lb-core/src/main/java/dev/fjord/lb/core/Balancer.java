package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/** TEMPORARY until the balance branch lands. */
interface Balancer {
    @Nullable Server pick(RequestHead request, @Nullable Server avoid);
}
