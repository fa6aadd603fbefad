package dev.fjord.lb.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import dev.fjord.lb.core.AdminState;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.LogTarget;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.haproxy.HaproxyImport;
import dev.fjord.lb.netty.FjordProxy;
import dev.fjord.lb.netty.SyslogAccessLog;

/**
 * The demo: the reference cluster on this machine's loopback, with embedded defaults. Two demo web nodes answer on
 * 127.0.0.1:8081 and :8082, the frontend listens on 127.0.0.1:8080 and the stats page on 127.0.0.1:1936
 * (user {@code admin}, the reference file's password). Ctrl-C closes it gracefully.
 *
 * <p>{@code --config FILE} runs a haproxy.cfg instead, with the addresses in the file as they are, after printing
 * what the import ignored. {@code --routes} prints the in-process routing table (of the demo, or of FILE), without
 * sockets; {@code --check FILE} checks a file as {@code haproxy -c} does. See {@link CommandLine#USAGE}.
 */
public final class Main {
    static final String FRONTEND = "127.0.0.1:8080";
    static final String STATS = "127.0.0.1:1936";

    private Main() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        CommandLine options;
        try {
            options = CommandLine.parse(List.of(args));
        } catch (CommandLine.Usage e) {
            System.err.println("lb-examples: " + e.getMessage());
            System.err.print(CommandLine.USAGE);
            System.exit(2);
            return;
        }
        switch (options.mode()) {
            case HELP -> {
                System.out.print(CommandLine.USAGE);
                return;
            }
            case CHECK -> System.exit(ConfigCheck.run(options.requireFile(), System.out, System.err) ? 0 : 1);
            case CONFIG -> {
                if (options.routes()) {
                    printRoutingTable(options.requireFile(), System.out);
                } else {
                    runConfig(options.requireFile());
                }
                return;
            }
            default -> {
                if (options.routes()) {
                    printRoutingTable(
                            Router.of(ReferenceCluster.at(FRONTEND, STATS, "127.0.0.1:8081", "127.0.0.1:8082")),
                            System.out);
                    return;
                }
            }
        }
        DemoWebNode web1 = DemoWebNode.start("web1", "127.0.0.1", 8081);
        DemoWebNode web2 = DemoWebNode.start("web2", "127.0.0.1", 8082);
        ProxyConfig config = ReferenceCluster.at(FRONTEND, STATS, "127.0.0.1:8081", "127.0.0.1:8082");
        // the reference file's syslog target (UDP 127.0.0.1:514, local2), and this console so the demo shows them
        List<LogTarget> logTargets = new ArrayList<>(config.global().logs());
        logTargets.add(LogTarget.of("stdout", "local2"));
        SyslogAccessLog accessLog = SyslogAccessLog.open(logTargets);
        FjordProxy proxy =
                FjordProxy.builder(Router.of(config)).accessLog(accessLog).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            proxy.close(Duration.ofSeconds(5));
                            accessLog.close();
                            web1.close();
                            web2.close();
                            stopped.countDown();
                        },
                        "fjord-shutdown"));
        System.out.println("Fjord reference cluster is up:");
        System.out.println("  web nodes   " + web1 + ", " + web2);
        System.out.println("  frontend    http://" + FRONTEND + "/   (try: curl -i http://" + FRONTEND + "/)");
        System.out.println("  stats       http://" + STATS + "/   (admin / " + ReferenceCluster.STATS_PASSWORD + ")");
        System.out.println(
                "  access log  this console, and syslog to udp 127.0.0.1:514 (local2) as the reference file");
        System.out.println("  commands    echo 'show stat' | socat stdio unix-connect:"
                + config.global().statsSocket());
        System.out.println("Ctrl-C stops it.");
        stopped.await();
    }

    /**
     * Runs a haproxy.cfg as a proxy, addresses as they are in the file, until Ctrl-C; {@code SIGHUP} or the stats
     * socket's {@code reload} read the file again and apply it without a restart, or keep the running configuration
     * when the file is not valid.
     */
    static void runConfig(Path file) throws IOException, InterruptedException {
        HaproxyImport imported;
        try {
            imported = HaproxyImport.parse(file);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        } catch (IOException e) {
            System.err.println("cannot read " + file + ": " + e);
            System.exit(1);
            return;
        }
        System.out.println("Imported " + file + ": " + imported.report());
        FjordProxy proxy = FjordProxy.builder(Router.of(imported.builder().build()))
                .reloadFrom(() -> {
                    HaproxyImport again = HaproxyImport.parse(file);
                    System.out.println("Imported " + file + ": " + again.report());
                    return again.builder().build();
                })
                .start();
        Hangup.Outcome hangup = Hangup.onHangup(() -> reload(proxy, file));
        if (hangup == Hangup.Outcome.IGNORED_SINCE_START) {
            System.out.println("SIGHUP was ignored when this process started (nohup?): it cannot reload " + file
                    + "; the runtime socket's 'reload' can, where the file has a 'stats socket'.");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            proxy.close(Duration.ofSeconds(5));
                            stopped.countDown();
                        },
                        "fjord-shutdown"));
        System.out.println("Fjord is running " + proxy + ". "
                + (hangup == Hangup.Outcome.HANDLED
                        ? "kill -HUP " + ProcessHandle.current().pid() + " reloads " + file + "; "
                        : "")
                + "Ctrl-C stops it.");
        stopped.await();
    }

    /** A {@code SIGHUP}: {@code file} again, or the running configuration kept, said on standard error. */
    private static void reload(FjordProxy proxy, Path file) {
        try {
            System.out.println("Reloaded " + file + ": " + proxy.reload());
        } catch (IOException e) {
            System.err.println("Reload refused, the running configuration stays: cannot read " + file + ": " + e);
        } catch (RuntimeException e) {
            System.err.println("Reload refused, the running configuration stays: " + e.getMessage());
        }
    }

    /** {@code --config FILE --routes}: a {@code GET /} through each frontend of {@code file}, routed in-process. */
    static void printRoutingTable(Path file, PrintStream out) throws IOException {
        HaproxyImport imported;
        try {
            imported = HaproxyImport.parse(file);
        } catch (ConfigException e) {
            e.errors().forEach(System.err::println);
            System.exit(1);
            return;
        }
        Router router = Router.of(imported.builder().build());
        out.println(file + ", routed in-process (no socket opened):");
        for (var frontend : router.config().frontends().values()) {
            RequestHead request = RequestHead.builder()
                    .uri("/")
                    .header("Host", "example.com")
                    .client("203.0.113.7", 51000)
                    .build();
            out.print("  frontend '" + frontend.name() + "':");
            print(out, request, router.frontend(frontend.name()).route(request));
        }
    }

    static void printRoutingTable(Router router, PrintStream out) {
        out.println("Fjord reference cluster, routed in-process (frontend 'main' on " + FRONTEND + "):");
        List<RequestHead> requests = List.of(
                RequestHead.builder()
                        .uri("/")
                        .client("203.0.113.7", 51000)
                        .localPort(8080)
                        .build(),
                RequestHead.builder()
                        .uri("/IMAGES/logo.PNG")
                        .client("203.0.113.8", 51001)
                        .localPort(8080)
                        .build(),
                RequestHead.builder()
                        .uri("/cart")
                        .header("Cookie", "SERVERID=s2")
                        .localPort(8080)
                        .build(),
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
        out.printf(
                "  %-28s -> %-62s acls %s%n",
                request.method() + ' ' + request.uri() + " :" + request.localPort(), decision, decision.matchedAcls());
    }
}
