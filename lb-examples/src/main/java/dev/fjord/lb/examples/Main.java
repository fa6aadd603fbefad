package dev.fjord.lb.examples;

import java.io.PrintStream;
import java.util.List;

import dev.fjord.lb.core.AdminState;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;

/**
 * The demo: the reference cluster on this machine's loopback. Until the transport runs it, it routes sample requests
 * in-process and prints the routing table.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        ProxyConfig config = ReferenceCluster.at("127.0.0.1:8080", "127.0.0.1:1936", "127.0.0.1:8081", "127.0.0.1:8082");
        printRoutingTable(Router.of(config), System.out);
    }

    static void printRoutingTable(Router router, PrintStream out) {
        out.println("Fjord reference cluster, routed in-process (frontend 'main' on 127.0.0.1:8080):");
        List<RequestHead> requests = List.of(
                RequestHead.builder().uri("/").client("203.0.113.7", 51000).localPort(8080).build(),
                RequestHead.builder().uri("/IMAGES/logo.PNG").client("203.0.113.8", 51001).localPort(8080).build(),
                RequestHead.builder().uri("/cart").header("Cookie", "SERVERID=s2").localPort(8080).build(),
                RequestHead.builder().uri("/").localPort(1936).build());
        for (RequestHead request : requests) {
            print(out, request, router.route(request));
        }
        router.backend("app").requireServer("web2").adminState(AdminState.MAINT);
        out.println("web2 put in MAINT:");
        RequestHead sticky = requests.get(2);
        print(out, sticky, router.route(sticky));
    }

    private static void print(PrintStream out, RequestHead request, RouteDecision decision) {
        out.printf("  %-28s -> %-62s acls %s%n", request.method() + ' ' + request.uri() + " :" + request.localPort(),
                decision, decision.matchedAcls());
    }
}
