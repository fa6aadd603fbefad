package dev.fjord.lb.core;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Predicate;

/**
 * Runs a frontend's {@code tcp-request connection} rules for a connection just accepted, and its {@code tcp-request
 * session} rules once its session starts (after a PROXY header), each list in order: {@code accept} ends the list,
 * {@code reject} rejects the connection, {@code track-sc} and {@code sc-inc-gpc} act and go on. A session that
 * starts then counts in the entries the connection tracks ({@code sess_cnt}, {@code sess_rate}), as HAProxy counts
 * it after its session rules. Stateless.
 */
final class ConnectionRules {
    private ConnectionRules() {}

    /**
     * Runs the connection rules of {@code frontend} for a connection from {@code client}, into {@code counters};
     * false when they rejected it (the counters are closed).
     */
    static boolean connection(
            CompiledFrontend frontend, StickCounters counters, InetAddress client, int clientPort, int localPort) {
        return run(
                frontend.connectionRules,
                frontend.connectionConditions,
                frontend,
                counters,
                client,
                clientPort,
                localPort);
    }

    /**
     * Runs the session rules of {@code frontend} for the session of {@code client} (the PROXY header's source, if
     * any), then counts the session if they did not reject it.
     */
    static void session(
            CompiledFrontend frontend, StickCounters counters, InetAddress client, int clientPort, int localPort) {
        if (run(frontend.sessionRules, frontend.sessionConditions, frontend, counters, client, clientPort, localPort)) {
            counters.sessionAccepted();
        }
    }

    private static boolean run(
            TcpConnectionRule[] rules,
            List<Predicate<RequestHead>> conditions,
            CompiledFrontend frontend,
            StickCounters counters,
            InetAddress client,
            int clientPort,
            int localPort) {
        if (rules.length == 0 || counters.rejected()) {
            return !counters.rejected();
        }
        String name = frontend.config().name();
        RequestHead head = new TrackedRequestHead(
                RequestHead.builder()
                        .client(client, clientPort)
                        .localPort(localPort)
                        .build(),
                counters,
                name);
        for (int i = 0; i < rules.length; i++) {
            if (!conditions.get(i).test(head)) {
                continue;
            }
            TcpConnectionRule rule = rules[i];
            if (rule instanceof TcpConnectionRule.Accept) {
                break;
            } else if (rule instanceof TcpConnectionRule.Reject) {
                counters.reject();
                counters.close();
                return false;
            } else if (rule instanceof TcpConnectionRule.Track track) {
                StickActions.track(track.track(), head, counters, name, StickActions.Level.CONNECTION);
            } else if (rule instanceof TcpConnectionRule.IncGpc increment) {
                StickActions.incrementGpc(increment.gpc(), increment.counter(), counters);
            }
        }
        return true;
    }
}
