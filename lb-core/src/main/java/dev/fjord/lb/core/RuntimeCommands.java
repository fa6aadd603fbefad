package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

import org.jspecify.annotations.Nullable;

/**
 * HAProxy's most used runtime commands (the stats socket), answered as HAProxy answers them: {@code help},
 * {@code show info}, {@code show stat}, {@code show servers state [BACKEND]}, {@code set server B/S state
 * ready|drain|maint}, {@code set server B/S weight N[%]}, {@code set server B/S addr IP [port N]},
 * {@code enable|disable server B/S},
 * {@code enable|disable health B/S}, {@code show table [NAME [key K|data.TYPE OP V]]}, {@code clear table NAME
 * [key K|data.TYPE OP V]}, and {@code reload} as HAProxy's master CLI answers it ({@code Success=1} or
 * {@code Success=0}, then {@code --} and what changed or why not) when a {@link Reloader} is given. Several commands
 * may be separated by {@code ;}. Thread-safe.
 *
 * <pre>{@code
 * $ echo "set server app/web1 state drain" | socat stdio unix-connect:/run/fjord.sock
 * }</pre>
 */
public final class RuntimeCommands {
    private static final String HELP = """
            The following commands are valid at this level:
              help           : this message
              show info      : report information about the running process
              show stat      : report counters for each proxy and server
              show servers state [<backend>] : dump volatile server information
              set server <bk>/<srv> state [ready|drain|maint] : change a server's administrative state
              set server <bk>/<srv> weight <weight>[%] : change a server's weight
              set server <bk>/<srv> addr <ip> [port <port>] : move a server, keeping its state
              enable server <bk>/<srv> : leave maintenance (set server ... state ready)
              disable server <bk>/<srv> : enter maintenance (set server ... state maint)
              enable health <bk>/<srv> : enable health checks
              disable health <bk>/<srv> : disable health checks
              show table [<table> [key <key>|data.<type> <op> <value>]] : report table usage or dump a table
              clear table <table> [key <key>|data.<type> <op> <value>] : remove entries from a table
              reload         : read the configuration again and apply it, without a restart
            """;

    private final Router router;
    private final @Nullable HealthChecks checks;
    private final ToIntFunction<Server> queued;
    private final ToIntFunction<Server> maxQueued;
    private final InfoSource info;
    private final @Nullable Reloader reloader;

    /** Runs {@code reload}: reads the configuration again and applies it. */
    @FunctionalInterface
    public interface Reloader {
        /**
         * Applies the configuration read again and returns what changed, in one line.
         *
         * @throws Exception why not (the message is answered); the running configuration must then be unchanged
         */
        String reload() throws Exception;
    }

    /** What {@code show info} reports about the process; the transport knows it. */
    public interface InfoSource {
        long uptimeSeconds();

        int currentConnections();

        int threads();

        /** Ticker time now, for {@code lastchg} and {@code downtime}; 0 leaves them out. */
        default long nowNanos() {
            return 0;
        }
    }

    public RuntimeCommands(
            Router router,
            @Nullable HealthChecks checks,
            ToIntFunction<Server> queued,
            ToIntFunction<Server> maxQueued,
            InfoSource info) {
        this(router, checks, queued, maxQueued, info, null);
    }

    /** Commands over {@code router}; {@code reloader} runs {@code reload} (null: {@code reload} is refused). */
    public RuntimeCommands(
            Router router,
            @Nullable HealthChecks checks,
            ToIntFunction<Server> queued,
            ToIntFunction<Server> maxQueued,
            InfoSource info,
            @Nullable Reloader reloader) {
        this.router = router;
        this.checks = checks;
        this.queued = queued;
        this.maxQueued = maxQueued;
        this.info = info;
        this.reloader = reloader;
    }

    /** The answer to {@code line}: one command or several separated by {@code ;}. */
    public String execute(String line) {
        StringBuilder out = new StringBuilder();
        for (String command : line.split(";", -1)) {
            if (!command.isBlank()) {
                out.append(one(command.strip()));
            }
        }
        return out.toString();
    }

    private String one(String command) {
        List<String> words = List.of(command.split("\\s+"));
        String joined = String.join(" ", words.subList(0, Math.min(2, words.size())));
        return switch (joined) {
            case "help" -> HELP;
            case "show info" -> showInfo();
            case "show stat" -> StatsCsv.write(router, checks, queued, maxQueued, info.nowNanos()) + "\n";
            case "show servers" ->
                words.size() >= 3 && words.get(2).equals("state")
                        ? serversState(words.size() > 3 ? words.get(3) : null)
                        : unknown();
            case "set server" -> setServer(words);
            case "enable server", "disable server" ->
                withServer(words, 2, server -> {
                    server.adminState(words.get(0).equals("enable") ? AdminState.READY : AdminState.MAINT);
                    return "";
                });
            case "enable health", "disable health" ->
                withServer(words, 2, server -> {
                    if (checks == null || !server.config().check()) {
                        return "Health checks are not configured on this server, cannot enable.\n";
                    }
                    if (words.get(0).equals("enable")) {
                        checks.enable(server);
                    } else {
                        checks.disable(server);
                    }
                    return "";
                });
            case "show table" -> TableCommands.show(router.stickTables(), words);
            case "clear table" -> TableCommands.clear(router.stickTables(), words);
            case "reload" -> reload();
            default -> words.get(0).equals("help") ? HELP : unknown();
        };
    }

    private String reload() {
        if (reloader == null) {
            return "Success=0\n--\nreload: this proxy was started without a configuration source to read again\n";
        }
        try {
            return "Success=1\n--\n" + reloader.reload() + "\n";
        } catch (Exception e) {
            String message = e.getMessage();
            return "Success=0\n--\n" + (message == null ? e.toString() : message) + "\n";
        }
    }

    private String showInfo() {
        long total = 0;
        for (FrontendConfig frontend : router.config().frontends().values()) {
            Counters counters = router.frontendCounters(frontend.name());
            total += frontend.settings().mode() == Mode.HTTP ? counters.requests() : counters.sessions();
        }
        return "Name: Fjord\nVersion: " + version() + "\nNbthread: " + info.threads() + "\nUptime_sec: "
                + info.uptimeSeconds() + "\nMaxconn: "
                + router.config().global().maxConn() + "\nCurrConns: "
                + info.currentConnections() + "\nCumReq: " + total + "\n\n";
    }

    private static String version() {
        String version = RuntimeCommands.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private String serversState(@Nullable String backendName) {
        if (backendName != null
                && router.backends().stream().noneMatch(b -> b.name().equals(backendName))) {
            return "Can't find backend.\n";
        }
        StringBuilder out = new StringBuilder("1\n# be_id be_name srv_id srv_name srv_addr srv_op_state "
                + "srv_admin_state srv_uweight srv_iweight srv_check_status srv_check_health srv_port\n");
        int beId = 0;
        for (Backend backend : router.backends()) {
            beId++;
            if (backendName != null && !backend.name().equals(backendName)) {
                continue;
            }
            int srvId = 0;
            for (Server server : backend.servers()) {
                srvId++;
                int opState = switch (server.operationalState()) {
                    case DOWN -> 0;
                    case UP -> 2;
                    case NOLB -> 3;
                };
                int adminState = switch (server.adminState()) {
                    case READY -> 0;
                    case MAINT -> 0x01;
                    case DRAIN -> 0x08;
                };
                CheckResult last = checks == null ? null : checks.lastCheck(server);
                out.append(beId)
                        .append(' ')
                        .append(backend.name())
                        .append(' ')
                        .append(srvId)
                        .append(' ')
                        .append(server.name())
                        .append(' ')
                        .append(server.config().address().host())
                        .append(' ')
                        .append(opState)
                        .append(' ')
                        .append(adminState)
                        .append(' ')
                        .append(server.weight())
                        .append(' ')
                        .append(server.config().weight())
                        .append(' ')
                        .append(last == null ? "-" : last.status().name())
                        .append(' ')
                        .append(server.config().rise() + server.config().fall() - 1)
                        .append(' ')
                        .append(server.config().address().port())
                        .append('\n');
            }
        }
        return out.append('\n').toString();
    }

    private String setServer(List<String> words) {
        if (words.size() < 5) {
            return "Require 'backend/server' and 'weight' or 'state'.\n";
        }
        return withServer(words, 2, server -> switch (words.get(3)) {
            case "state" ->
                switch (words.get(4).toLowerCase(Locale.ROOT)) {
                    case "ready" -> state(server, AdminState.READY);
                    case "drain" -> state(server, AdminState.DRAIN);
                    case "maint" -> state(server, AdminState.MAINT);
                    default -> "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n";
                };
            case "weight" -> weight(server, words.get(4));
            case "addr" -> address(server, words);
            default -> "'set server <srv>' only supports 'state', 'weight' and 'addr'.\n";
        });
    }

    /** {@code set server B/S addr IP [port N]}: answered in HAProxy's words. */
    private static String address(Server server, List<String> words) {
        String ip = words.get(4);
        Address before = server.config().address();
        int port = before.port();
        if (words.size() >= 7 && words.get(5).equals("port")) {
            try {
                port = Integer.parseInt(words.get(6));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (!dev.fjord.lb.core.internal.InetAddresses.isLiteral(ip) || port < 0 || port > 65535) {
            return "'set server <srv> addr' expects an IPv4 or IPv6 address and an optional 'port N'.\n";
        }
        String by = "stats socket command";
        server.backend().moveServer(server.name(), new Address(ip, port).toString(), by);
        return "IP changed from '" + before.host() + "' to '" + ip + "'"
                + (port == before.port()
                        ? ", no need to change the port"
                        : ", port changed from '" + before.port() + "' to '" + port + "'")
                + " by '" + by + "'\n";
    }

    private static String state(Server server, AdminState state) {
        server.adminState(state);
        return "";
    }

    private static String weight(Server server, String text) {
        boolean percent = text.endsWith("%");
        String digits = percent ? text.substring(0, text.length() - 1) : text;
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 4) {
            return "Require <weight> or <weight%>.\n";
        }
        int value = Integer.parseInt(digits);
        int weight = percent ? server.config().weight() * value / 100 : value;
        if (weight > 256) {
            return "Absolute weight can only be between 0 and 256 inclusive.\n";
        }
        server.weight(weight);
        return "";
    }

    private String withServer(List<String> words, int index, java.util.function.Function<Server, String> action) {
        if (words.size() <= index || words.get(index).indexOf('/') < 0) {
            return "Require 'backend/server'.\n";
        }
        String[] parts = words.get(index).split("/", 2);
        Backend backend = null;
        for (Backend each : router.backends()) {
            if (each.name().equals(parts[0])) {
                backend = each;
            }
        }
        if (backend == null) {
            return "No such backend.\n";
        }
        Server server = backend.server(parts[1]);
        return server == null ? "No such server.\n" : action.apply(server);
    }

    private static String unknown() {
        List<String> lines =
                new ArrayList<>(List.of("Unknown command. Please enter one of the following commands " + "only :"));
        HELP.lines().skip(1).forEach(lines::add);
        return String.join("\n", lines) + "\n";
    }
}
