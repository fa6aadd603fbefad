# Shared by load-benchmark.sh and tls-benchmark.sh (sourced, not run): the work directory and the processes started,
# stopped by PID on exit; missing packages; two nginx backends; ports, CPU time and RSS of a process.
# The sourcing script sets BACKEND1, BACKEND2 (host:port), LOAD_CPU and WORK_PREFIX before sourcing.

WORK=$(mktemp -d "/tmp/$WORK_PREFIX.XXXXXX")
chmod 755 "$WORK"   # nginx workers run as another user
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# need COMMAND[:PACKAGE] ...: installs the packages of the commands missing (as root), else says what is missing
need() {
    local missing=()
    for spec in "$@"; do command -v "${spec%%:*}" >/dev/null || missing+=("${spec#*:}"); done
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" != 0 ]; then echo "missing: ${missing[*]} (run as root to install them)" >&2; exit 1; fi
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# start_nginx: nginx on CPU LOAD_CPU, one worker, keep-alive without a request limit, at BACKEND1 and BACKEND2,
# serving 1k.bin, 64k.bin and the reference's health check
start_nginx() {
    local nginx
    [ -x /usr/sbin/nginx ] && nginx=/usr/sbin/nginx || nginx=$(command -v nginx)
    mkdir -p "$WORK/www" "$WORK/nginx"
    head -c 1024 /dev/urandom > "$WORK/www/1k.bin"
    head -c 65536 /dev/urandom > "$WORK/www/64k.bin"
    echo OK > "$WORK/www/health_check.php"
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
    taskset -c "$LOAD_CPU" "$nginx" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
    PIDS+=($!)
}

wait_port() {
    for _ in $(seq 1 100); do
        (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && { exec 3>&- 3<&-; return 0; }
        sleep 0.1
    done
    echo "nothing listens on port $1" >&2; return 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sys_ticks() { awk '{print $15}' "/proc/$1/stat"; } # the kernel's share of cpu_ticks (stime)
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# syscall_report NAME SCENARIO REQUESTS: syscalls per request from $WORK/strace.out (strace -c -f), those above 0.05
# per request by name, to the console and $WORK/syscalls
syscall_report() {
    awk -v n="$3" -v who="$1" -v s="$2" '
        $NF != "syscall" && $NF != "total" && NF >= 5 && $4 ~ /^[0-9]+$/ {calls[$NF] = $4}
        $NF == "total" {total = $4}
        END {
            line = ""
            for (c in calls) if (calls[c] / n >= 0.05) line = line sprintf(" %s %.2f", c, calls[c] / n)
            printf "syscalls %-10s %-14s %.2f per request:%s\n", who, s, total / n, line
        }' "$WORK/strace.out" | tee -a "$WORK/syscalls"
}
