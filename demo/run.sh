#!/usr/bin/env bash
# busmesh demo: a real cluster of launcher processes on loopback.
#   1. three calculator replicas (three JVMs) join the cluster through cluster.xml;
#   2. a caller JVM calls "calculator" through the generated proxy: calls spread over the replicas;
#   3. one replica is killed with SIGKILL while a second caller runs: the cluster drops it, the calls
#      that were in flight to it fail over to the survivors, and none is lost;
#   4. a third caller sees only the survivors and every call succeeds.
# With --tls, bin/dev-ca.sh first makes a CA and a certificate per process, every process runs its
# event bus over mutual TLS (conf "mesh": {"security": ...}), and after caller 1 a caller without a
# certificate joins the same cluster: it sees the replicas but none of its calls gets through.
# From the start, a fifth process ("watcher") calls at a light, steady rate and serves the live dashboard
# at http://127.0.0.1:9466/ (BUSMESH_DASHBOARD_PORT to move it) and Prometheus metrics on port 9464
# (BUSMESH_METRICS_PORT): open the page to watch the calls spread, the
# kill, the breaker and the failover. With --keep the cluster stays up after the steps (a replica is
# restarted to replace the killed one) until Ctrl-C, or an hour at most.
# Every process it starts is stopped on exit, whatever happens. Usage: bash demo/run.sh [--tls] [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."

TLS=false
KEEP=false
for arg in "$@"; do
  case "$arg" in
    --tls) TLS=true ;;
    --keep) KEEP=true ;;
    *) echo "usage: bash demo/run.sh [--tls] [--keep]" >&2; exit 2 ;;
  esac
done
DASHBOARD_PORT="${BUSMESH_DASHBOARD_PORT:-9466}"
METRICS_PORT="${BUSMESH_METRICS_PORT:-9464}"
WATCH_MS=180000 # the watcher's bound: the demo stops it before, unless --keep
$KEEP && WATCH_MS=3600000

CLUSTER="busmesh-demo-$$"
LOGS=$(mktemp -d -t busmesh-demo-XXXXXX)
JAR="$LOGS/busmesh.jar" # a private copy: rebuilding target/ during the demo must not pull classes from under the JVMs
PIDS=()

stop_all() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap stop_all EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

node() { # node <log name> <verticle> <conf>; exec so that "node ... &" leaves $! = the JVM's pid
  exec java -Xmx256m -Djava.net.preferIPv4Stack=true -Dbusmesh.cluster.name="$CLUSTER" \
    -jar "$JAR" "$2" -cluster -cluster-host 127.0.0.1 -conf "$3" >"$LOGS/$1.log" 2>&1
}

await_line() { # await_line <log name> <text> <seconds> [soft]: exits the demo on timeout, or returns 1 if soft
  for _ in $(seq 1 $(($3 * 10))); do
    grep -q "$2" "$LOGS/$1.log" 2>/dev/null && return 0
    sleep 0.1
  done
  [ "${4:-}" = soft ] && return 1
  echo "timed out waiting for '$2' in $LOGS/$1.log:"; tail -20 "$LOGS/$1.log"; exit 1
}

security_entry() { # security_entry <name>: with --tls, the mesh entry giving that process its certificate
  $TLS || return 0
  printf ', "security": {"keyPath": "%s", "certPath": "%s", "caPath": "%s"}' \
    "$CERTS/$1.key" "$CERTS/$1.crt" "$CERTS/ca.crt"
}

security() { # security <name>: with --tls, the conf entry giving that process its certificate; else nothing
  $TLS || return 0
  printf ', "mesh": {%s}' "$(security_entry "$1" | sed 's/^, //')"
}

summary() { # prints the caller's JSON summary, one replica per line
  local line
  line=$(grep '^{' "$LOGS/$1.log" | tail -1)
  echo "$line" | grep -o '"calls":[0-9]*,"ok":[0-9]*,"failed":[0-9]*' | tr ',' ' '
  echo "  calls answered per replica:"
  echo "$line" | grep -o '"perReplica":{[^}]*}' | sed 's/"perReplica":{//; s/}$//' | tr ',' '\n' | sed 's/^/    /'
  echo "  latency:" $(echo "$line" | grep -o '"p50Us":[0-9]*,"p99Us":[0-9]*,"p999Us":[0-9]*' | tr ',' ' ')
}

# shellcheck source=bench/fresh-jar.sh
source bench/fresh-jar.sh
fresh_jar
cp target/busmesh.jar "$JAR"

if $TLS; then
  CERTS="$LOGS/certs"
  say "Making a development CA and one certificate per process (bin/dev-ca.sh $CERTS ...)"
  bin/dev-ca.sh "$CERTS" replica-1 replica-2 replica-3 replica-4 caller-1 caller-2 caller-3 watcher >"$LOGS/dev-ca.log" 2>&1 \
    || { cat "$LOGS/dev-ca.log"; exit 1; }
  grep '^dev-ca' "$LOGS/dev-ca.log" | sed 's/^/  /'
fi

say "Starting 3 calculator replicas (cluster '$CLUSTER', logs in $LOGS)"
for i in 1 2 3; do
  conf=conf/calculator.json
  if $TLS; then
    conf="$LOGS/replica-$i.json"
    echo "{\"service\": \"calculator\"$(security "replica-$i")}" >"$conf"
  fi
  node "replica-$i" io.busmesh.examples.calculator.CalculatorVerticle "$conf" &
  PIDS+=($!)
done
for i in 1 2 3; do
  await_line "replica-$i" "is serving" 90
  grep -o "replica [^ ]* of 'calculator' is serving" "$LOGS/replica-$i.log" | sed "s/^/  replica-$i (pid ${PIDS[$((i-1))]}): /"
done
if $TLS; then
  grep -h -o "Event bus: mutual TLS with .*" "$LOGS"/replica-*.log | sed 's/^/  /'
fi

say "Watcher: a light steady load (2 callers, 20 ms apart) and the live dashboard"
node watcher io.busmesh.examples.calculator.CalculatorClientVerticle \
  "{\"calls\": 10000000, \"concurrency\": 2, \"pauseMs\": 20, \"callTimeoutMs\": 5000, \"maxDurationMs\": $WATCH_MS, \"stopFile\": \"$LOGS/watcher.stop\", \"exitWhenDone\": true, \"mesh\": {\"dashboard\": {\"port\": $DASHBOARD_PORT}, \"metrics\": {\"prometheus\": {\"port\": $METRICS_PORT}}$(security_entry watcher)}}" &
WATCHER=$!
PIDS+=($WATCHER)
if await_line watcher "busmesh dashboard of node" 60 soft; then
  echo "  open http://127.0.0.1:$DASHBOARD_PORT/ in a browser to watch the calls, the kill and the failover"
  echo "  (its Prometheus metrics: http://127.0.0.1:$METRICS_PORT/metrics)"
else
  echo "  the dashboard did not start (port $DASHBOARD_PORT or $METRICS_PORT taken? set BUSMESH_DASHBOARD_PORT or BUSMESH_METRICS_PORT); see $LOGS/watcher.log"
fi

say "Caller 1: 3000 calls through the generated proxy of 'calculator', 16 in flight"
(node caller-1 io.busmesh.examples.calculator.CalculatorClientVerticle \
  "{\"calls\": 3000, \"concurrency\": 16, \"exitWhenDone\": true$(security caller-1)}") || true
summary caller-1

if $TLS; then
  say "A caller without a certificate in the same cluster: 20 calls, 1 s each at most"
  (node uncertified io.busmesh.examples.calculator.CalculatorClientVerticle \
    '{"calls": 20, "concurrency": 4, "callTimeoutMs": 1000, "exitWhenDone": true}') || true
  summary uncertified
  grep '^{' "$LOGS/uncertified.log" | tail -1 | grep -o '"errors":{.*}' | grep -o '[A-Za-z]*Exception: [^.,]*' \
    | sort -u | sed 's/^/  failed with: /'
  echo "  (it joined Hazelcast, which has no authentication in open source, and saw the replicas; the"
  echo "   replicas' TLS servers dropped its plain connections, so no call reached a replica)"
fi

say "Caller 2: 100000 calls, 4 in flight; replica-1 gets SIGKILL during the run"
# Its call timeout must outlast the failover of a call in flight to the killed node: the cluster notices
# the death in about 0.7 s, and in a cold --tls start the first connection to another node takes ~1 s.
node caller-2 io.busmesh.examples.calculator.CalculatorClientVerticle \
  "{\"calls\": 100000, \"concurrency\": 4, \"callTimeoutMs\": 5000, \"maxDurationMs\": 60000, \"exitWhenDone\": true$(security caller-2)}" &
CALLER2=$!
PIDS+=($CALLER2)
await_line caller-2 "Succeeded in deploying" 90
sleep 1.5
kill -KILL "${PIDS[0]}"
echo "  killed replica-1 (pid ${PIDS[0]}) with SIGKILL"
wait "${PIDS[0]}" 2>/dev/null || true
wait "$CALLER2" || true
summary caller-2
echo "  (calls in flight at the killed process were failed over to the survivors as soon as the"
echo "   cluster reported the node gone, so none was lost)"

say "Caller 3: 3000 calls after the kill; the dead replica is gone from every view"
(node caller-3 io.busmesh.examples.calculator.CalculatorClientVerticle \
  "{\"calls\": 3000, \"concurrency\": 16, \"exitWhenDone\": true$(security caller-3)}") || true
summary caller-3

if command -v curl >/dev/null 2>&1; then
  say "The watcher's Prometheus scrape (excerpt): attempts by outcome, breakers, latency"
  curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" \
    | grep -E '^busmesh_(service_attempts_total|attempts_total|replica_breaker_state\{.*state="(closed|open)"|service_latency_seconds|service_replicas)' \
    | sed 's/^/  /' || echo "  (no scrape: see $LOGS/watcher.log)"
fi

if $KEEP; then
  say "Keeping the cluster up: replica-4 replaces the killed replica-1"
  conf=conf/calculator.json
  if $TLS; then
    conf="$LOGS/replica-4.json"
    echo "{\"service\": \"calculator\"$(security replica-4)}" >"$conf"
  fi
  node replica-4 io.busmesh.examples.calculator.CalculatorVerticle "$conf" &
  PIDS+=($!)
  await_line replica-4 "is serving" 90
  echo "  the dashboard: http://127.0.0.1:$DASHBOARD_PORT/ ; Ctrl-C stops every process (the watcher ends by itself"
  echo "  after $((WATCH_MS / 60000)) minutes)"
  wait "$WATCHER" || true
fi

say "Watcher: its calls over the whole demo, the kill included"
touch "$LOGS/watcher.stop" # it finishes the calls under way, prints its summary and exits
wait "$WATCHER" 2>/dev/null || true
summary watcher

say "Stopping every process this demo started"
stop_all
trap - EXIT INT TERM
echo "  done; logs are in $LOGS"
