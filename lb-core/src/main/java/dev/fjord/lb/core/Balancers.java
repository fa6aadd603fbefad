package dev.fjord.lb.core;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/** TEMPORARY until the balance branch lands. */
final class Balancers {
    static Balancer create(Balance balance, HashType hashType, List<Server> servers, RandomGenerator random) {
        if (servers.isEmpty()) {
            return (r, a) -> null;
        }
        AtomicLong next = new AtomicLong();
        return (r, avoid) -> {
            for (int i = 0; i < servers.size(); i++) {
                Server s = servers.get((int) (next.getAndIncrement() % servers.size()));
                if (s != avoid) {
                    return s;
                }
            }
            return null;
        };
    }
}
