#!/usr/bin/env bash
# TLS benchmark (issue #18): HAProxy 2.6 and Fjord on THE SAME haproxy.cfg and certificates, TLS terminated by the
# proxy, in front of two nginx backends on loopback (pooled keep-alive server connections: option http-keep-alive),
# in alternating rounds (A B A B ...: the machine drifts, so ratios are taken within a round, then their median).
# The proxy runs alone on CPU 0 (HAProxy: nbthread 1; Fjord: taskset -c 0, so the JVM sees one CPU and runs one
# event loop); the clients and nginx share CPU 1. The main figure is the proxy's CPU time per request (utime+stime
# from /proc over the requests the client counted).
#
# Scenarios:
#   handshake-ecdsa  a full TLS handshake per request, ECDSA P-256 certificate
#   handshake-rsa    the same with an RSA 2048 certificate
#                    (client: HANDSHAKERS parallel 'openssl s_time -new -www /1k.bin', HTTP/1.0: one request per
#                    connection and never a resumed session. wrk is not used here: it keeps its SSL object across
#                    reconnects, so almost every handshake resumes (checked with ssl_fc_is_resumed: 4474 of 4480);
#                    h2load --h1 with "Connection: close" resumes too.)
#   keepalive-1k     wrk over https, CONNECTIONS keep-alive connections, 1 KiB responses (ECDSA certificate)
#   h2-1k            h2load over https with ALPN h2: CONNECTIONS connections, STREAMS streams each, 1 KiB responses
#   swap-ecdsa       handshake-ecdsa while the ECDSA certificate is replaced through the runtime socket every
#                    SWAP_MS (set ssl cert + commit ssl cert, alternating two certificates, as HAProxy 2.x does it):
#                    counts the swaps committed and the handshakes that failed (openssl s_time stops at "ERROR")
# A test CA and both server certificates are made with openssl in the work directory at each start.
#
# Usage (from the repository root, as root to install missing packages):
#   lb-examples/bench/tls-benchmark.sh [seconds-per-run, default 10]
# Environment:
#   CONTESTANTS  default "haproxy fjord"; ROUNDS default 3; WARMUP seconds of load before measuring, spread over the
#                scenarios (default 20); CONNECTIONS default 64; STREAMS default 10; HANDSHAKERS default 4;
#                SWAP_MS default 100
#   SCENARIOS    default "handshake-ecdsa handshake-rsa keepalive-1k h2-1k swap-ecdsa"
#   STRACE=1     also count syscalls per request in round 1 (strace -c -f on the proxy, a separate 5 s run each)
#   JAR          Fjord's runnable jar (default lb-examples/target/lb-examples.jar); JAVA_OPTS the JVM's flags
# Every process it starts is stopped by PID on exit. Traffic stays on 127.0.0.1 (ports 9201, 9202, 9280-9282).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${1:-10}
WARMUP=${WARMUP:-20}       # the JVM needs ~20 s at full load on one core before C2 settles
CONNECTIONS=${CONNECTIONS:-64}
STREAMS=${STREAMS:-10}
HANDSHAKERS=${HANDSHAKERS:-4}
ROUNDS=${ROUNDS:-3}
CONTESTANTS=${CONTESTANTS:-haproxy fjord}
SCENARIOS=${SCENARIOS:-handshake-ecdsa handshake-rsa keepalive-1k h2-1k swap-ecdsa}
SWAP_MS=${SWAP_MS:-100}
JAR=${JAR:-lb-examples/target/lb-examples.jar}
read -r -a JAVA_FLAGS <<< "${JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx256m -Dio.netty.allocator.type=pooled -Dio.netty.leakDetection.level=disabled}"
PROXY_CPU=0
LOAD_CPU=1
BACKEND1=127.0.0.1:9201
BACKEND2=127.0.0.1:9202
ECDSA_PORT=9280
STATS_PORT=9281
RSA_PORT=9282
WORK_PREFIX=fjord-tls-bench
# shellcheck source=bench-common.sh
source "lb-examples/bench/bench-common.sh"
[ "${STRACE:-}" = 1 ] && need strace:strace
need wrk:wrk nginx:nginx haproxy:haproxy taskset:util-linux python3:python3 openssl:openssl curl:curl h2load:nghttp2-client \
    socat:socat
[ -x /usr/sbin/haproxy ] && HAPROXY=/usr/sbin/haproxy || HAPROXY=$(command -v haproxy)
if [ ! -f "$JAR" ]; then mvn -B -ntp -q -DskipTests package -pl lb-examples -am; fi

# --- certificates: a test CA (ECDSA P-256), an ECDSA P-256 and an RSA 2048 server certificate for 127.0.0.1 ---
(
    cd "$WORK"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 7 \
        -subj "/CN=Fjord TLS benchmark CA" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext.cnf
    for kind in ecdsa rsa; do
        if [ $kind = ecdsa ]; then key=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); else key=(-newkey rsa:2048); fi
        openssl req "${key[@]}" -nodes -keyout $kind.key -out $kind.csr -subj "/CN=localhost" 2>/dev/null
        openssl x509 -req -in $kind.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 7 -extfile ext.cnf \
            -out $kind.crt 2>/dev/null
        cat $kind.crt $kind.key > $kind.pem   # as HAProxy reads it: the certificate, then its key
    done
    # a second ECDSA certificate for the same name, which swap-ecdsa alternates with the first
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ecdsa2.key -out ecdsa2.csr \
        -subj "/CN=localhost" 2>/dev/null
    openssl x509 -req -in ecdsa2.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 7 -extfile ext.cnf \
        -out ecdsa2.crt 2>/dev/null
    cat ecdsa2.crt ecdsa2.key > ecdsa2.pem
    cp ecdsa.pem ecdsa1.pem
)

start_nginx

# --- one haproxy.cfg for both: the reference configuration on loopback, one thread, no syslog, keep-alive server
# connections, and the frontend on TLS only: the ECDSA certificate on one port, the RSA one on another ---
sed -e "s#^frontend main \*:80#frontend main\n    bind 127.0.0.1:$ECDSA_PORT ssl crt $WORK/ecdsa.pem alpn h2,http/1.1\n    bind 127.0.0.1:$RSA_PORT ssl crt $WORK/rsa.pem alpn h2,http/1.1#" \
    -e "s#^listen stats \*:1936#listen stats\n    bind 127.0.0.1:$STATS_PORT#" \
    -e "s#192.168.10.11:80#$BACKEND1#" -e "s#192.168.10.12:80#$BACKEND2#" \
    -e "/^ *log 127.0.0.1/d" -e "/^ *log global/d" -e "/^ *chroot/d" -e "/^ *pidfile/d" -e "/^ *user /d" \
    -e "/^ *group /d" -e "/^ *daemon/d" -e "s#^ *stats socket .*#    stats socket $WORK/admin.sock level admin#" \
    -e "s#option http-server-close#option http-keep-alive#" \
    -e "s#^global#global\n    nbthread 1#" \
    reference/haproxy.cfg > "$WORK/haproxy.cfg"
"$HAPROXY" -c -q -f "$WORK/haproxy.cfg"
java -jar "$JAR" --check "$WORK/haproxy.cfg" > "$WORK/fjord-check.out" 2>&1 || { cat "$WORK/fjord-check.out" >&2; exit 1; }

# start CONTESTANT: starts it on CPU 0, sets $pid
start() {
    case $1 in
        haproxy) taskset -c $PROXY_CPU "$HAPROXY" -f "$WORK/haproxy.cfg" -db > "$WORK/$1.log" 2>&1 & ;;
        fjord) taskset -c $PROXY_CPU java "${JAVA_FLAGS[@]}" -jar "$JAR" --config "$WORK/haproxy.cfg" \
                   > "$WORK/$1.log" 2>&1 & ;;
        *) echo "unknown contestant $1" >&2; exit 2 ;;
    esac
    pid=$!
    PIDS+=($pid)
    wait_port $ECDSA_PORT; wait_port $RSA_PORT
}

# sanity NAME: one request per scenario's way in, status 200, the protocol and the certificate's key expected
sanity() {
    local url=https://127.0.0.1:$ECDSA_PORT/1k.bin out
    out=$(curl -sS --cacert "$WORK/ca.pem" --http1.1 -o /dev/null -w '%{http_code} %{http_version}' "$url")
    [ "$out" = "200 1.1" ] || { echo "$1: https HTTP/1.1: $out" >&2; exit 1; }
    out=$(curl -sS --cacert "$WORK/ca.pem" --http2 -o /dev/null -w '%{http_code} %{http_version}' "$url")
    [ "$out" = "200 2" ] || { echo "$1: https with --http2: $out (h2 not negotiated?)" >&2; exit 1; }
    out=$(curl -sS --cacert "$WORK/ca.pem" -o /dev/null -w '%{http_code}' "https://127.0.0.1:$RSA_PORT/1k.bin")
    [ "$out" = 200 ] || { echo "$1: RSA port: $out" >&2; exit 1; }
    for port in $ECDSA_PORT $RSA_PORT; do
        openssl s_client -connect 127.0.0.1:$port -servername localhost </dev/null 2>/dev/null \
            | awk '/^Peer signature type|^Server public key is/' | tr '\n' ' ' >> "$WORK/sanity.out"
    done
    out=$(h2load -n 100 -c 2 -m 10 "$url" 2>&1)
    grep -q "Application protocol: h2" <<< "$out" && grep -q "100 succeeded" <<< "$out" \
        || { echo "$1: h2load: $out" >&2; exit 1; }
    echo "sanity $1: curl 200 over HTTP/1.1 and HTTP/2 (ALPN h2), RSA port 200, h2load h2 100/100;" \
        "$(cat "$WORK/sanity.out")"
    : > "$WORK/sanity.out"
}

# handshakes SECONDS PORT [BESIDE]: HANDSHAKERS parallel 'openssl s_time -new' for SECONDS (and the function BESIDE
# with SECONDS, in the background, when given); sets $requests and $rps, their reports in $WORK/load.out
handshakes() {
    local seconds=$1 port=$2 beside=${3:-} clients=() t0 t1 i
    t0=$(date +%s.%N)
    for i in $(seq 1 "$HANDSHAKERS"); do
        taskset -c $LOAD_CPU openssl s_time -new -connect 127.0.0.1:$port -www /1k.bin -time "$seconds" \
            > "$WORK/s_time.$i" 2>&1 &
        clients+=($!)
    done
    if [ -n "$beside" ]; then "$beside" "$seconds" & clients+=($!); fi
    PIDS+=("${clients[@]}")
    wait "${clients[@]}"
    t1=$(date +%s.%N)
    cat "$WORK"/s_time.* > "$WORK/load.out"
    requests=$(awk '/connections in .* real seconds/ {n += $1} END {print n + 0}' "$WORK/load.out")
    rps=$(awk -v n="$requests" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / (b - a)}')
}

# load SECONDS SCENARIO: the client on CPU 1; sets $requests and $rps, the report in $WORK/load.out
load() {
    local seconds=$1 scenario=$2 port=$ECDSA_PORT
    case $scenario in
        handshake-ecdsa|handshake-rsa)
            [ "$scenario" = handshake-rsa ] && port=$RSA_PORT
            handshakes "$seconds" "$port" ;;
        keepalive-1k)
            taskset -c $LOAD_CPU wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" "https://127.0.0.1:$port/1k.bin" \
                > "$WORK/load.out"
            requests=$(awk '/requests in/ {print $1}' "$WORK/load.out")
            rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/load.out") ;;
        swap-ecdsa)
            : > "$WORK/swaps.out"
            handshakes "$seconds" "$port" swap_certificates
            echo "swaps: $(grep -c '^Success' "$WORK/swaps.out") committed of $(grep -c '^Committing' \
                "$WORK/swaps.out"), handshakes failed: $(grep -c ERROR "$WORK/load.out")" >> "$WORK/load.out" ;;
        h2-1k)
            taskset -c $LOAD_CPU h2load -c"$CONNECTIONS" -m"$STREAMS" -D"$seconds" "https://127.0.0.1:$port/1k.bin" \
                > "$WORK/load.out" 2>&1
            requests=$(awk '/^requests:/ {print $8}' "$WORK/load.out")   # succeeded
            rps=$(awk '/^finished in/ {printf "%.0f", $4}' "$WORK/load.out") ;;
        *) echo "unknown scenario $scenario" >&2; exit 2 ;;
    esac
}

# swap_certificates SECONDS: for SECONDS (and 1000 swaps at most), every SWAP_MS, the ECDSA certificate replaced
# through the runtime socket by the other of ecdsa1.pem and ecdsa2.pem; the answers to the commits in swaps.out
swap_certificates() {
    local end=$((SECONDS + $1)) n=0 pem
    while [ $SECONDS -lt $end ] && [ $n -lt 1000 ]; do
        if [ $((n % 2)) = 0 ]; then pem=$WORK/ecdsa2.pem; else pem=$WORK/ecdsa1.pem; fi
        printf 'set ssl cert %s <<\n%s\n\n' "$WORK/ecdsa.pem" "$(cat "$pem")" \
            | taskset -c $LOAD_CPU socat - "UNIX-CONNECT:$WORK/admin.sock" > /dev/null
        echo "commit ssl cert $WORK/ecdsa.pem" | taskset -c $LOAD_CPU socat - "UNIX-CONNECT:$WORK/admin.sock" \
            >> "$WORK/swaps.out"
        n=$((n + 1))
        sleep "$(awk -v ms="$SWAP_MS" 'BEGIN {print ms / 1000}')"
    done
}

# syscalls NAME PID SCENARIO: syscalls per request under strace -c (slower: a separate, shorter run)
syscalls() {
    local name=$1 pid=$2 scenario=$3
    strace -f -c -p "$pid" -o "$WORK/strace.out" 2>/dev/null &
    local tracer=$!
    sleep 1
    load 5 "$scenario"
    kill -INT $tracer; wait $tracer 2>/dev/null || true
    syscall_report "$name" "$scenario" "$requests"
}

# measure ROUND NAME PID SCENARIO: one run; a result line to the console and to $WORK/results
measure() {
    local round=$1 name=$2 pid=$3 scenario=$4 before after us
    before=$(cpu_ticks "$pid")
    load "$DURATION" "$scenario"
    after=$(cpu_ticks "$pid")
    [ "${requests:-0}" -gt 0 ] || { echo "$name $scenario: no request done"; cat "$WORK/load.out"; exit 1; }
    us=$(awk -v t="$((after - before))" -v n="$requests" -v k="$((1000000 / $(getconf CLK_TCK)))" \
        'BEGIN {printf "%.1f", t * k / n}')
    local errors
    errors=$(awk '/Non-2xx|Socket errors|errored|failed|^swaps:/ && !/ 0 failed, 0 errored/ {print}' "$WORK/load.out" \
        | tr -s ' \n' ' ')
    printf 'round %d  %-8s %-16s %8s req/s %8s us CPU/req  load %s %s\n' "$round" "$name" "$scenario" "$rps" "$us" \
        "$(cut -d' ' -f1 /proc/loadavg)" "$errors"
    echo "$round $name $scenario $us $rps" >> "$WORK/results"
}

echo "$(nproc) CPUs, $(uname -r), $(java -version 2>&1 | head -1), $($HAPROXY -v | head -1 | cut -d' ' -f1-3)," \
    "$(openssl version | cut -d' ' -f1-2), $(h2load --version | head -1)"
echo "$ROUNDS round(s) of: $CONTESTANTS; $DURATION s per run after ${WARMUP} s of warm-up; $CONNECTIONS connections" \
    "(h2: $STREAMS streams each); handshakes: $HANDSHAKERS openssl s_time -new"
echo "JVM: ${JAVA_FLAGS[*]}; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
wait_port 9201; wait_port 9202
read -r -a SCENARIO_LIST <<< "$SCENARIOS"
WARM_EACH=$(( (WARMUP + ${#SCENARIO_LIST[@]} - 1) / ${#SCENARIO_LIST[@]} ))

for round in $(seq 1 "$ROUNDS"); do
    for name in $CONTESTANTS; do
        start "$name"
        sanity "$name"
        for scenario in "${SCENARIO_LIST[@]}"; do load "$WARM_EACH" "$scenario"; done
        for scenario in "${SCENARIO_LIST[@]}"; do measure "$round" "$name" "$pid" "$scenario"; done
        if [ "${STRACE:-}" = 1 ] && [ "$round" = 1 ]; then
            for scenario in "${SCENARIO_LIST[@]}"; do syscalls "$name" "$pid" "$scenario"; done
        fi
        kill "$pid"; wait "$pid" 2>/dev/null || true
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
python3 - "$WORK/results" <<'PY'
import sys, statistics
from collections import defaultdict
cpu, rps = defaultdict(dict), defaultdict(dict)
order = ["handshake-ecdsa", "handshake-rsa", "keepalive-1k", "h2-1k", "swap-ecdsa"]
for line in open(sys.argv[1]):
    rnd, name, scenario, us, r = line.split()
    cpu[(name, scenario)][int(rnd)] = float(us)
    rps[(name, scenario)][int(rnd)] = float(r)
def spread(values, fmt="{:.1f}"):
    values = sorted(values)
    m = fmt.format(statistics.median(values))
    return f"{m} ({fmt.format(values[0])}-{fmt.format(values[-1])})" if len(values) > 1 else m
names = sorted({n for n, _ in cpu}, key=lambda n: ["haproxy", "fjord"].index(n))
scenarios = sorted({s for _, s in cpu}, key=order.index)
print("| scenario | contestant | CPU µs per request | requests/s |")
print("| --- | --- | --- | --- |")
for s in scenarios:
    for n in names:
        print(f"| {s} | {n} | {spread(cpu[(n, s)].values())} | {spread(rps[(n, s)].values(), '{:.0f}')} |")
    if "fjord" in names and "haproxy" in names:
        rounds = sorted(set(cpu[("fjord", s)]) & set(cpu[("haproxy", s)]))
        ratio = [cpu[("fjord", s)][r] / cpu[("haproxy", s)][r] for r in rounds]
        speed = [rps[("fjord", s)][r] / rps[("haproxy", s)][r] for r in rounds]
        print(f"| {s} | Fjord/HAProxy | {spread(ratio, '{:.2f}')} | {spread(speed, '{:.2f}')} |")
PY
