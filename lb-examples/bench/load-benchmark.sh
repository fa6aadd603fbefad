#!/usr/bin/env bash
# Load benchmark: HAProxy, a bare Reactor Netty proxy and Fjord, one after the other, in front of the same two
# nginx backends on loopback. The proxy under test runs alone on CPU 0 with one event-loop thread (HAProxy:
# nbthread 1); wrk and nginx share CPU 1. The main figure is the proxy's CPU time per request (utime+stime
# from /proc over the requests wrk counted), beside req/s and latency percentiles.
#
# Usage (from the repository root, as root to install missing packages):
#   lb-examples/bench/load-benchmark.sh [seconds-per-run, default 10]
# Every process it starts is stopped by PID on exit. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${1:-10}
WARMUP=${WARMUP:-20}       # the JVM needs ~20 s at full load on one core before C2 settles
CONNECTIONS=${CONNECTIONS:-32}
PROXY_CPU=0
LOAD_CPU=1
BACKEND1=127.0.0.1:9101
BACKEND2=127.0.0.1:9102
PROXY_PORT=9180
WORK=$(mktemp -d /tmp/fjord-bench.XXXXXX)
chmod 755 "$WORK"   # nginx workers run as another user
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

need() {
    local missing=()
    for tool in "$@"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" != 0 ]; then echo "missing: ${missing[*]} (run as root to install them)" >&2; exit 1; fi
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}
need wrk nginx haproxy taskset
[ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx || NGINX=$(command -v nginx)
[ -x /usr/sbin/haproxy ] && HAPROXY=/usr/sbin/haproxy || HAPROXY=$(command -v haproxy)

JAR=lb-examples/target/lb-examples.jar
if [ ! -f "$JAR" ]; then mvn -B -ntp -q -DskipTests package; fi

# --- backends: nginx, one worker, keep-alive without a request limit, 1 KiB and 64 KiB files ---
mkdir -p "$WORK/www" "$WORK/nginx"
head -c 1024 /dev/urandom > "$WORK/www/1k.bin"
head -c 65536 /dev/urandom > "$WORK/www/64k.bin"
echo OK > "$WORK/www/health_check.php"   # the reference health check
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 60s;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server { listen $BACKEND1; root $WORK/www; }
    server { listen $BACKEND2; root $WORK/www; }
}
CONF
taskset -c $LOAD_CPU "$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
PIDS+=($!)

# --- HAProxy with the reference configuration, addresses moved to loopback, one thread, no syslog target ---
# (HAProxy 2.x wants 'bind' lines instead of the 1.4-style address after the section name)
sed -e "s#^frontend main \*:80#frontend main\n    bind 127.0.0.1:$PROXY_PORT#" \
    -e "s#^listen stats \*:1936#listen stats\n    bind 127.0.0.1:9181#" \
    -e "s#192.168.10.11:80#$BACKEND1#" -e "s#192.168.10.12:80#$BACKEND2#" \
    -e "/^ *log 127.0.0.1/d" -e "/^ *log global/d" -e "/^ *chroot/d" -e "/^ *pidfile/d" -e "/^ *user /d" \
    -e "/^ *group /d" -e "/^ *daemon/d" -e "/^ *stats socket/d" \
    -e "s#^global#global\n    nbthread 1#" \
    reference/haproxy.cfg > "$WORK/haproxy.cfg"

wait_port() {
    for _ in $(seq 1 100); do
        (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && { exec 3>&- 3<&-; return 0; }
        sleep 0.1
    done
    echo "nothing listens on port $1" >&2; return 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run NAME PID PATH EXTRA-WRK-ARGS: one wrk run, prints a result line and appends it to $WORK/results
run() {
    local name=$1 pid=$2 path=$3 scenario=$4; shift 4
    local before after requests
    before=$(cpu_ticks "$pid")
    taskset -c $LOAD_CPU wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "http://127.0.0.1:$PROXY_PORT$path" \
        > "$WORK/wrk.out"
    after=$(cpu_ticks "$pid")
    requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
    local rps p50 p99 errors
    rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.out")
    p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.out")
    p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.out")
    errors=$(awk '/Non-2xx|Socket errors/ {print}' "$WORK/wrk.out" | tr '\n' ' ')
    local tick_us=$((1000000 / $(getconf CLK_TCK)))
    local us
    us=$(awk -v t="$((after - before))" -v n="$requests" -v k="$tick_us" 'BEGIN {printf "%.1f", t * k / n}')
    printf '%-8s %-14s %10s req/s  p50 %8s  p99 %8s  %7s us CPU/req %s\n' "$name" "$scenario" "$rps" "$p50" "$p99" \
        "$us" "$errors"
    echo "$name $scenario $us" >> "$WORK/results"
}

scenarios() {
    local name=$1 pid=$2
    wait_port $PROXY_PORT
    taskset -c $LOAD_CPU wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$PROXY_PORT/1k.bin" > /dev/null
    run "$name" "$pid" /1k.bin keepalive-1k
    run "$name" "$pid" /64k.bin keepalive-64k
    run "$name" "$pid" /1k.bin close-1k -H "Connection: close"
}

stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

echo "$(nproc) CPUs, $(uname -r), $(java -version 2>&1 | head -1); $DURATION s per run, $CONNECTIONS connections"
wait_port 9101; wait_port 9102

taskset -c $PROXY_CPU "$HAPROXY" -f "$WORK/haproxy.cfg" -db > "$WORK/haproxy.log" 2>&1 &
pid=$!; PIDS+=($pid)
scenarios haproxy $pid; stop $pid

JAVA_OPTS=(-Dio.netty.allocator.type=pooled -Xms512m -Xmx512m)
taskset -c $PROXY_CPU java "${JAVA_OPTS[@]}" -cp "$JAR" dev.fjord.lb.examples.bench.BareReactorNettyProxy \
    $PROXY_PORT $BACKEND1 $BACKEND2 > "$WORK/bare.log" 2>&1 &
pid=$!; PIDS+=($pid)
scenarios bare $pid; stop $pid

taskset -c $PROXY_CPU java "${JAVA_OPTS[@]}" -cp "$JAR" dev.fjord.lb.examples.bench.FjordBenchmarkProxy \
    $PROXY_PORT $BACKEND1 $BACKEND2 > "$WORK/fjord.log" 2>&1 &
pid=$!; PIDS+=($pid)
scenarios fjord $pid; stop $pid

# the same with pooled keep-alive server connections instead of the reference's http-server-close
taskset -c $PROXY_CPU java "${JAVA_OPTS[@]}" -cp "$JAR" dev.fjord.lb.examples.bench.FjordBenchmarkProxy \
    $PROXY_PORT $BACKEND1 $BACKEND2 keep-alive > "$WORK/fjord-ka.log" 2>&1 &
pid=$!; PIDS+=($pid)
scenarios fjord-ka $pid; stop $pid

echo
echo "CPU per request, ratios (fjord: the reference config, server side closed after each response;"
echo "fjord-ka: the same with pooled keep-alive server connections, as the bare proxy does):"
for scenario in keepalive-1k keepalive-64k close-1k; do
    awk -v s="$scenario" '$2 == s {cpu[$1] = $3} END {
        printf "  %-14s fjord/haproxy %.2f   fjord/bare %.2f   fjord-ka/bare %.2f\n", s,
            cpu["fjord"] / cpu["haproxy"], cpu["fjord"] / cpu["bare"], cpu["fjord-ka"] / cpu["bare"]
    }' "$WORK/results"
done
