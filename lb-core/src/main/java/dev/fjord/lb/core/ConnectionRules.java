package dev.fjord.lb.core;

import java.net.InetAddress;

/**
 * Runs a frontend's {@code tcp-request connection} rules for a connection just accepted, in order: {@code accept}
 * ends them, {@code reject} rejects the connection, {@code track-sc} and {@code sc-inc-gpc} act and go on; an
 * accepted connection then counts as a session in the entries it tracks. Stateless.
 */
final class ConnectionRules {
    private ConnectionRules() {}

    /** Runs the rules of {@code frontend} for a connection from {@code client}, into {@code counters}. */
    static void accept(
            CompiledFrontend frontend, StickCounters counters, InetAddress client, int clientPort, int localPort) {
        String name = frontend.config().name();
        if (frontend.connectionRules.length > 0) {
            RequestHead head = new TrackedRequestHead(
                    RequestHead.builder()
                            .client(client, clientPort)
                            .localPort(localPort)
                            .build(),
                    counters,
                    name);
            for (int i = 0; i < frontend.connectionRules.length; i++) {
                if (!frontend.connectionConditions.get(i).test(head)) {
                    continue;
                }
                TcpConnectionRule rule = frontend.connectionRules[i];
                if (rule instanceof TcpConnectionRule.Accept) {
                    break;
                } else if (rule instanceof TcpConnectionRule.Reject) {
                    counters.reject();
                    counters.close();
                    return;
                } else if (rule instanceof TcpConnectionRule.Track track) {
                    StickActions.track(track.track(), head, counters, name, StickActions.Level.CONNECTION);
                } else if (rule instanceof TcpConnectionRule.IncGpc increment) {
                    StickActions.incrementGpc(increment.gpc(), increment.counter(), counters);
                }
            }
        }
        counters.sessionAccepted();
    }
}
