package dev.fjord.lb.examples;

import java.nio.file.Path;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The options of the runnable jar, parsed strictly: an unknown option, a missing file or a combination that means
 * nothing is a {@link Usage} error (the jar prints {@link #USAGE} and exits 2), never a demo started by mistake.
 *
 * @param mode what to do
 * @param file the haproxy.cfg of {@code --config} or {@code --check}; null for the demo
 * @param routes print the routing table instead of starting ({@code --routes})
 */
record CommandLine(Mode mode, @Nullable Path file, boolean routes) {
    static final String USAGE = """
            usage: java -jar lb-examples.jar [--config FILE] [--routes]
                   java -jar lb-examples.jar --check FILE   (also: --check --config FILE, -c -f FILE)
                   java -jar lb-examples.jar --help

              (no option)    the demo: the reference cluster on 127.0.0.1 (frontend :8080, stats :1936) with two
                             demo web nodes (:8081, :8082); Ctrl-C stops it
              --config FILE  run FILE, a haproxy.cfg, with its addresses as they are; SIGHUP (or 'reload' on
                             its stats socket) reads FILE again and applies it without dropping a connection,
                             or keeps the running configuration when FILE is not valid; Ctrl-C stops it
              --routes       print the in-process routing table (of FILE with --config, else of the demo) and
                             exit, without opening a socket
              --check FILE   check FILE as 'haproxy -c -f FILE' does: print every error with its line, and what
                             the import ignored; binds nothing; exit status 0 when FILE is valid, 1 when not
              --help         print this text
            """;

    /** The file of {@code --config} or {@code --check}; there is one in those modes. */
    Path requireFile() {
        if (file == null) {
            throw new IllegalStateException(mode + " without a FILE");
        }
        return file;
    }

    /** What the jar does. */
    enum Mode {
        DEMO,
        CONFIG,
        CHECK,
        HELP
    }

    /** Options that mean nothing: the message says which. */
    static final class Usage extends Exception {
        private static final long serialVersionUID = 1L;

        Usage(String message) {
            super(message, null, false, false);
        }
    }

    static CommandLine parse(List<String> args) throws Usage {
        Path file = null;
        boolean check = false;
        boolean routes = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--help", "-h" -> {
                    return new CommandLine(Mode.HELP, null, false);
                }
                case "--routes" -> routes = true;
                case "-c" -> check = true; // haproxy -c -f FILE, in either order
                case "--config", "--check", "-f" -> {
                    check |= arg.equals("--check");
                    boolean fileFollows =
                            i + 1 < args.size() && !args.get(i + 1).startsWith("-");
                    boolean fileOptionFollows = i + 1 < args.size() && isFileOption(args.get(i + 1));
                    if (arg.equals("--check") && ((!fileFollows && file != null) || fileOptionFollows)) {
                        continue; // --check --config FILE, --config FILE --check
                    }
                    if (!fileFollows) {
                        throw new Usage(arg + ": missing FILE");
                    }
                    if (file != null) {
                        throw new Usage(arg + ": one FILE at most (already " + file + ")");
                    }
                    file = Path.of(args.get(++i));
                }
                default -> throw new Usage("unknown option '" + arg + "'");
            }
        }
        if (check && file == null) {
            throw new Usage("-c: expected -c -f FILE, as haproxy takes it");
        }
        if (check && routes) {
            throw new Usage("--routes and --check: choose one");
        }
        return new CommandLine(check ? Mode.CHECK : file != null ? Mode.CONFIG : Mode.DEMO, file, routes);
    }

    private static boolean isFileOption(String arg) {
        return arg.equals("--config") || arg.equals("-f");
    }
}
