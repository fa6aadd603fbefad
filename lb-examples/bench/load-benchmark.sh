#!/usr/bin/env bash
# Load benchmark: HAProxy, Fjord and a bare Reactor Netty proxy in front of the same two nginx backends on loopback,
# in alternating rounds (A B A B ...: the machine drifts, so ratios are taken within a round, then their median).
# The proxy under test runs alone on CPU 0 with one event-loop thread (HAProxy: nbthread 1); wrk and nginx share
# CPU 1. The main figure is the proxy's CPU time per request (utime+stime from /proc over the requests wrk counted).
#
# Usage (from the repository root, as root to install missing packages):
#   lb-examples/bench/load-benchmark.sh [seconds-per-run, default 10]
# Environment:
#   CONTESTANTS  who runs, in this order within each round; default "haproxy fjord haproxy-ka fjord-ka"
#                haproxy     the reference haproxy.cfg (option http-server-close), addresses on loopback, no syslog
#                haproxy-ka  the same with option http-keep-alive (server connections kept and reused)
#                fjord       Fjord running the reference cluster (http-server-close), no access log
#                fjord-ka    the same with pooled keep-alive server connections
#                bare        a bare Reactor Netty proxy (pools server connections)
#                fjord-b, fjord-ka-b   fjord and fjord-ka from the jar JAR_B (another build, for before/after)
#   ROUNDS       rounds (default 1); WARMUP seconds of load per scenario before measuring (default 20);
#                CONNECTIONS (default 64)
#   SCENARIOS    default "keepalive-1k keepalive-64k close-1k" (close-1k: a new client connection per request)
#   STRACE=1     also count syscalls per request (strace -c -f on the proxy, a separate 5 s run per scenario)
#   JAR, JAR_B   Fjord's runnable jars (default lb-examples/target/lb-examples.jar; JAR_B defaults to JAR)
#   JAVA_OPTS    the JVM's flags; JAVA_OPTS_B those of fjord-b and fjord-ka-b (default JAVA_OPTS), e.g. to compare
#                transports on one build: JAVA_OPTS_B="$JAVA_OPTS -Dfjord.transport=epoll"
#   SIDE_BY_SIDE=1  all contestants run at once (each on its own port, all on CPU 0), each warmed up, then loaded in
#                turn, one run each per round: no contestant is the first process after another's exit, which in
#                sequential rounds favoured the second of two JVMs (use it for an A/B of two builds; short runs,
#                e.g. 5 s, and more rounds, e.g. 8, suit it)
# Every process it starts is stopped by PID on exit. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${1:-10}
WARMUP=${WARMUP:-20}       # the JVM needs ~20 s at full load on one core before C2 settles
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-1}
CONTESTANTS=${CONTESTANTS:-haproxy fjord haproxy-ka fjord-ka}
SCENARIOS=${SCENARIOS:-keepalive-1k keepalive-64k close-1k}
JAR=${JAR:-lb-examples/target/lb-examples.jar}
JAR_B=${JAR_B:-$JAR}
read -r -a JAVA_FLAGS <<< "${JAVA_OPTS:--Dio.netty.allocator.type=pooled -Xms256m -Xmx256m}"
read -r -a JAVA_FLAGS_B <<< "${JAVA_OPTS_B:-${JAVA_FLAGS[*]}}"
PROXY_CPU=0
LOAD_CPU=1
BACKEND1=127.0.0.1:9101
BACKEND2=127.0.0.1:9102
PROXY_PORT=9180
WORK_PREFIX=fjord-bench
# shellcheck source=bench-common.sh
source "lb-examples/bench/bench-common.sh"
need wrk nginx haproxy taskset python3
[ "${STRACE:-}" = 1 ] && need strace
[ -x /usr/sbin/haproxy ] && HAPROXY=/usr/sbin/haproxy || HAPROXY=$(command -v haproxy)
if [ ! -f "$JAR" ]; then mvn -B -ntp -q -DskipTests package; fi

start_nginx

# --- HAProxy with the reference configuration, addresses moved to loopback, one thread, no syslog target ---
# (HAProxy 2.x wants 'bind' lines instead of the 1.4-style address after the section name)
sed -e "s#^frontend main \*:80#frontend main\n    bind 127.0.0.1:$PROXY_PORT#" \
    -e "s#^listen stats \*:1936#listen stats\n    bind 127.0.0.1:9181#" \
    -e "s#192.168.10.11:80#$BACKEND1#" -e "s#192.168.10.12:80#$BACKEND2#" \
    -e "/^ *log 127.0.0.1/d" -e "/^ *log global/d" -e "/^ *chroot/d" -e "/^ *pidfile/d" -e "/^ *user /d" \
    -e "/^ *group /d" -e "/^ *daemon/d" -e "/^ *stats socket/d" \
    -e "s#^global#global\n    nbthread 1#" \
    reference/haproxy.cfg > "$WORK/haproxy.cfg"
sed -e "s#option http-server-close#option http-keep-alive#" "$WORK/haproxy.cfg" > "$WORK/haproxy-ka.cfg"

# haproxy_cfg FILE: FILE with the proxy and stats ports moved to PROXY_PORT and the one after it
haproxy_cfg() {
    sed -e "s#127.0.0.1:9180#127.0.0.1:$PROXY_PORT#" -e "s#127.0.0.1:9181#127.0.0.1:$((PROXY_PORT + 1))#" "$1" \
        > "$1.$PROXY_PORT"
    echo "$1.$PROXY_PORT"
}

# start CONTESTANT: starts it on CPU 0, listening on PROXY_PORT, sets $pid
start() {
    case $1 in
        haproxy) taskset -c $PROXY_CPU "$HAPROXY" -f "$(haproxy_cfg "$WORK/haproxy.cfg")" -db > "$WORK/$1.log" 2>&1 & ;;
        haproxy-ka) taskset -c $PROXY_CPU "$HAPROXY" -f "$(haproxy_cfg "$WORK/haproxy-ka.cfg")" -db \
                        > "$WORK/$1.log" 2>&1 & ;;
        bare) taskset -c $PROXY_CPU java "${JAVA_FLAGS[@]}" -cp "$JAR" dev.fjord.lb.examples.bench.BareReactorNettyProxy \
                  $PROXY_PORT $BACKEND1 $BACKEND2 > "$WORK/$1.log" 2>&1 & ;;
        fjord|fjord-ka|fjord-b|fjord-ka-b)
            local jar=$JAR mode="" flags=("${JAVA_FLAGS[@]}")
            [[ $1 == *-b ]] && jar=$JAR_B && flags=("${JAVA_FLAGS_B[@]}")
            [[ $1 == fjord-ka* ]] && mode=keep-alive
            taskset -c $PROXY_CPU java "${flags[@]}" -cp "$jar" dev.fjord.lb.examples.bench.FjordBenchmarkProxy \
                $PROXY_PORT $BACKEND1 $BACKEND2 $mode > "$WORK/$1.log" 2>&1 & ;;
        *) echo "unknown contestant $1" >&2; exit 2 ;;
    esac
    pid=$!
    PIDS+=($pid)
    wait_port $PROXY_PORT
}

# wrk_load SECONDS SCENARIO: wrk on CPU 1 against the proxy, its report in $WORK/wrk.out
wrk_load() {
    local seconds=$1 scenario=$2
    case $scenario in
        keepalive-1k) set -- "http://127.0.0.1:$PROXY_PORT/1k.bin" ;;
        keepalive-64k) set -- "http://127.0.0.1:$PROXY_PORT/64k.bin" ;;
        close-1k) set -- -H "Connection: close" "http://127.0.0.1:$PROXY_PORT/1k.bin" ;;
        *) echo "unknown scenario $scenario" >&2; exit 2 ;;
    esac
    taskset -c $LOAD_CPU wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency "$@" > "$WORK/wrk.out"
}

# measure ROUND NAME PID SCENARIO: one wrk run; a result line to the console and to $WORK/results
measure() {
    local round=$1 name=$2 pid=$3 scenario=$4
    local before after sys_before sys_after
    before=$(cpu_ticks "$pid"); sys_before=$(sys_ticks "$pid")
    wrk_load "$DURATION" "$scenario"
    after=$(cpu_ticks "$pid"); sys_after=$(sys_ticks "$pid")
    local requests rps p99 errors
    requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
    rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.out")
    p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.out")
    errors=$(awk '/Non-2xx|Socket errors/ {print}' "$WORK/wrk.out" | tr '\n' ' ')
    local us sys
    us=$(awk -v t="$((after - before))" -v n="$requests" -v k="$((1000000 / $(getconf CLK_TCK)))" \
        'BEGIN {printf "%.1f", t * k / n}')
    sys=$(awk -v t="$((sys_after - sys_before))" -v n="$requests" -v k="$((1000000 / $(getconf CLK_TCK)))" \
        'BEGIN {printf "%.1f", t * k / n}')
    printf 'round %d  %-10s %-14s %9s req/s  p99 %8s  %7s us CPU/req (kernel %s) %s\n' "$round" "$name" \
        "$scenario" "$rps" "$p99" "$us" "$sys" "$errors"
    echo "$round $name $scenario $us $rps" >> "$WORK/results"
}

# syscalls NAME PID SCENARIO: syscalls per request under strace -c (slower: a separate, shorter run)
syscalls() {
    local name=$1 pid=$2 scenario=$3
    strace -f -c -p "$pid" -o "$WORK/strace.out" 2>/dev/null &
    local tracer=$!
    sleep 1
    wrk_load 5 "$scenario"
    kill -INT $tracer; wait $tracer 2>/dev/null || true
    local requests
    requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
    syscall_report "$name" "$scenario" "$requests"
}

sample_rss() { # peak RSS of PID into FILE until killed
    local peak=0 now
    while kill -0 "$1" 2>/dev/null; do
        now=$(rss_kb "$1" 2>/dev/null || echo 0)
        [ "$now" -gt "$peak" ] && peak=$now && echo "$peak" > "$2"
        sleep 0.5
    done
}

echo "$(nproc) CPUs, $(uname -r), $(java -version 2>&1 | head -1), $($HAPROXY -v | head -1 | cut -d' ' -f1-3)"
echo "$ROUNDS round(s) of: $CONTESTANTS; $DURATION s per run after ${WARMUP} s of warm-up, $CONNECTIONS connections"
echo "JVM: ${JAVA_FLAGS[*]}; fjord-b, fjord-ka-b: ${JAVA_FLAGS_B[*]} ($JAR_B)"
wait_port 9101; wait_port 9102
SAMPLERS=()

if [ "${SIDE_BY_SIDE:-}" = 1 ]; then
    declare -A PID_OF PORT_OF
    port=$PROXY_PORT
    for name in $CONTESTANTS; do
        PROXY_PORT=$port; port=$((port + 10))
        start "$name"
        PID_OF[$name]=$pid; PORT_OF[$name]=$PROXY_PORT
        echo "$(rss_kb "$pid")" > "$WORK/idle-$name"
        sample_rss "$pid" "$WORK/peak-$name" & SAMPLERS+=($!)
    done
    for name in $CONTESTANTS; do
        PROXY_PORT=${PORT_OF[$name]}
        for scenario in $SCENARIOS; do wrk_load "$WARMUP" "$scenario"; done
    done
    for round in $(seq 1 "$ROUNDS"); do
        for scenario in $SCENARIOS; do
            for name in $CONTESTANTS; do
                PROXY_PORT=${PORT_OF[$name]}
                measure "$round" "$name" "${PID_OF[$name]}" "$scenario"
            done
        done
    done
    for sampler in "${SAMPLERS[@]}"; do kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true; done
    for name in $CONTESTANTS; do
        echo "rss 1 $name $(cat "$WORK/idle-$name") $(cat "$WORK/peak-$name" 2>/dev/null || echo 0)" >> "$WORK/rss"
    done
fi
for round in $(seq 1 "$ROUNDS"); do
    [ "${SIDE_BY_SIDE:-}" = 1 ] && break
    for name in $CONTESTANTS; do
        start "$name"
        idle=$(rss_kb "$pid")
        sample_rss "$pid" "$WORK/peak" & sampler=$!
        # each scenario's own warm-up: C2 compiles what a path runs only once it runs (accept, connect and close
        # are not on the keep-alive path), and a compile takes seconds when it shares the proxy's one core
        for scenario in $SCENARIOS; do wrk_load "$WARMUP" "$scenario"; done
        for scenario in $SCENARIOS; do measure "$round" "$name" "$pid" "$scenario"; done
        if [ "${STRACE:-}" = 1 ] && [ "$round" = 1 ]; then
            for scenario in $SCENARIOS; do syscalls "$name" "$pid" "$scenario"; done
        fi
        kill $sampler 2>/dev/null; wait $sampler 2>/dev/null || true
        echo "rss $round $name $idle $(cat "$WORK/peak" 2>/dev/null || echo 0)" >> "$WORK/rss"
        kill "$pid"; wait "$pid" 2>/dev/null || true
    done
done

echo
python3 - "$WORK/results" "$WORK/rss" <<'PY'
import sys, statistics
from collections import defaultdict
cpu, rps = defaultdict(dict), defaultdict(dict)
for line in open(sys.argv[1]):
    rnd, name, scenario, us, r = line.split()
    cpu[(name, scenario)][int(rnd)] = float(us)
    rps[(name, scenario)][int(rnd)] = float(r)
def spread(values):
    values = sorted(values)
    return f"{statistics.median(values):.2f} ({values[0]:.2f}-{values[-1]:.2f})" if len(values) > 1 else f"{values[0]:.2f}"
names = sorted({n for n, _ in cpu}, key=lambda n: ["haproxy", "haproxy-ka", "fjord", "fjord-ka", "fjord-b", "fjord-ka-b", "bare"].index(n))
scenarios = sorted({s for _, s in cpu}, key=lambda s: ["keepalive-1k", "keepalive-64k", "close-1k"].index(s))
print("CPU us per request, median of rounds (min-max):")
print(f"  {'':12}" + "".join(f"{s:>26}" for s in scenarios))
for n in names:
    print(f"  {n:12}" + "".join(f"{spread(cpu[(n, s)].values()):>26}" for s in scenarios))
print("Ratios of CPU per request within each round, median (min-max); req/s ratio after the slash:")
for b, a in [("fjord", "haproxy"), ("fjord-ka", "haproxy-ka"), ("fjord-ka", "bare"), ("fjord-b", "fjord"), ("fjord-ka-b", "fjord-ka")]:
    if b in names and a in names:
        cells = []
        for s in scenarios:
            rounds = sorted(set(cpu[(b, s)]) & set(cpu[(a, s)]))
            ratio = [cpu[(b, s)][r] / cpu[(a, s)][r] for r in rounds]
            speed = statistics.median([rps[(b, s)][r] / rps[(a, s)][r] for r in rounds])
            cells.append(f"{spread(ratio)} / {speed:.2f}")
        print(f"  {b + '/' + a:22}" + "".join(f"{c:>30}" for c in cells))
rss = defaultdict(list)
for line in open(sys.argv[2]):
    fields = line.split()
    if len(fields) == 5:  # a sample that came back empty (the process gone) leaves a field out
        rss[fields[2]].append((int(fields[3]), int(fields[4])))
print("RSS (MB), idle after start / peak under load, median of rounds:")
for n in (n for n in names if rss[n]):
    print(f"  {n:12} {statistics.median(i for i, _ in rss[n]) / 1024:6.1f} / {statistics.median(p for _, p in rss[n]) / 1024:6.1f}")
PY
