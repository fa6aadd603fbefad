package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * HAProxy's {@code roundrobin} and {@code static-rr}, as smooth weighted round robin (the algorithm of nginx): over
 * one cycle of the weights' sum, each server appears as often as its weight, spread out rather than in bursts
 * (weights 5, 1, 1 give a a b a c a a). The cycle is computed once; a pick is an atomic increment and an array read.
 */
final class RoundRobinPicker implements ServerPicker {
    private final Server[] cycle;
    private final AtomicLong next = new AtomicLong();

    /** Over the servers' current weights ({@code roundrobin}), or their configured ones ({@code static-rr}). */
    RoundRobinPicker(Server[] servers, boolean staticWeights) {
        int[] weights = new int[servers.length];
        int gcd = 0;
        for (int i = 0; i < servers.length; i++) {
            weights[i] = staticWeights ? servers[i].config().weight() : servers[i].weight();
            gcd = gcd(gcd, weights[i]);
        }
        List<Server> sequence = new ArrayList<>();
        if (gcd > 0) {
            int total = 0;
            for (int i = 0; i < weights.length; i++) {
                weights[i] /= gcd;
                total += weights[i];
            }
            int[] current = new int[servers.length];
            for (int step = 0; step < total; step++) {
                int best = -1;
                for (int i = 0; i < servers.length; i++) {
                    current[i] += weights[i];
                    if (weights[i] > 0 && (best < 0 || current[i] > current[best])) {
                        best = i;
                    }
                }
                current[best] -= total;
                sequence.add(servers[best]);
            }
        }
        this.cycle = sequence.toArray(new Server[0]);
    }

    @Override
    public @Nullable Server pick(RequestHead request, @Nullable Server avoid) {
        int length = cycle.length;
        if (length == 0) {
            return null;
        }
        long start = next.getAndIncrement();
        for (int i = 0; i < length; i++) {
            Server server = cycle[(int) Long.remainderUnsigned(start + i, length)];
            if (server != avoid) {
                return server;
            }
        }
        return null;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
