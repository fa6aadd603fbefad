#!/usr/bin/env bash
# Two Fjord load balancers sharing the VIP 198.18.0.100 with VRRP, in network namespaces on this machine
# (root only; nothing is created in the host's namespace). Like lb-vrrp's test lab (NetnsLab.java):
#
#   fjord-lb1     eth0 198.18.0.1/24   FailoverNode priority 150 (master)  \
#   fjord-lb2     eth0 198.18.0.2/24   FailoverNode priority 100 (backup)   > bridge br0 in fjord-sw
#   fjord-client  eth0 198.18.0.10/24  where you run curl                  /
#
# Usage (from the root of the clone, after: mvn -B -ntp -q -DskipTests package):
#   lb-examples/failover/lab.sh up        namespaces, then both nodes in the background (logs in $RUN)
#   lb-examples/failover/lab.sh watch     the client asks the VIP ten times a second, for 60 s
#   lb-examples/failover/lab.sh crash lb1 SIGKILL a node (no priority-0 advert: the backup waits 3.6 s)
#   lb-examples/failover/lab.sh stop lb1  SIGTERM a node (priority 0: the backup takes over after 0.6 s)
#   lb-examples/failover/lab.sh start lb1 start a node again (lb1 preempts: it has the higher priority)
#   lb-examples/failover/lab.sh down      stop both nodes (by PID) and delete the namespaces
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=$ROOT/lb-examples/target/lb-examples.jar
RUN=${RUN:-/tmp/fjord-failover}
declare -A IP=([lb1]=198.18.0.1 [lb2]=198.18.0.2 [client]=198.18.0.10)
declare -A PRIORITY=([lb1]=150 [lb2]=100)
mkdir -p "$RUN"

start() {
  local node=$1
  [ -f "$JAR" ] || { echo "build first: mvn -B -ntp -q -DskipTests package" >&2; exit 1; }
  ip netns exec "fjord-$node" java -cp "$JAR" dev.fjord.lb.examples.FailoverNode --name "$node" \
    --interface eth0 --address "${IP[$node]}" --priority "${PRIORITY[$node]}" >"$RUN/$node.log" 2>&1 &
  echo $! >"$RUN/$node.pid"   # ip netns exec execs: this is the JVM's PID
  echo "$node: pid $! (log $RUN/$node.log)"
}

signal() {  # signal NODE SIGNAL: only the PID this script started
  local pid; pid=$(cat "$RUN/$1.pid" 2>/dev/null) || { echo "$1 is not running" >&2; return 0; }
  kill "-$2" "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$RUN/$1.pid" "/tmp/fjord-$pid.sock"   # a killed node leaves its stats socket behind
}

up() {
  for ns in sw lb1 lb2 client; do ip netns add "fjord-$ns"; ip -n "fjord-$ns" link set lo up; done
  ip -n fjord-sw link add br0 type bridge mcast_snooping 0 stp_state 0 forward_delay 0
  ip -n fjord-sw link set br0 up
  for n in lb1 lb2 client; do
    ip -n fjord-sw link add "p-$n" type veth peer name eth0 netns "fjord-$n"
    ip -n fjord-sw link set "p-$n" master br0 up
    ip -n "fjord-$n" addr add "${IP[$n]}/24" dev eth0
    ip -n "fjord-$n" link set eth0 up
  done
  start lb2; start lb1
  echo "try: ip netns exec fjord-client curl -s http://198.18.0.100:8080/   (or: $0 watch)"
}

watch() {
  local end=$((SECONDS + 60))
  while [ $SECONDS -lt $end ]; do
    answer=$(ip netns exec fjord-client curl -s -m 0.3 http://198.18.0.100:8080/ | head -1 || true)
    printf '%s %s\n' "$(date +%T.%3N)" "${answer:--}"
    sleep 0.1
  done
}

down() {
  signal lb1 TERM; signal lb2 TERM
  for ns in client lb2 lb1 sw; do ip netns del "fjord-$ns" 2>/dev/null || true; done
  echo "lab down"
}

case "${1:-}" in
  up) up ;; down) down ;; watch) watch ;;
  start) start "${2:?node}" ;; stop) signal "${2:?node}" TERM ;; crash) signal "${2:?node}" KILL ;;
  *) sed -n '2,17p' "$0" >&2; exit 2 ;;
esac
