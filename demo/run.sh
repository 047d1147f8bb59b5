#!/usr/bin/env bash
# busmesh demo: a real cluster of launcher processes on loopback.
#   1. three calculator replicas (three JVMs) join the cluster through cluster.xml;
#   2. a caller JVM calls "calculator" through the generated proxy: calls spread over the replicas;
#   3. one replica is killed with SIGKILL while a second caller runs: the cluster drops it, the calls
#      that were in flight to it fail over to the survivors, and none is lost;
#   4. a third caller sees only the survivors and every call succeeds.
# Every process it starts is stopped on exit, whatever happens. Usage: bash demo/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

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

await_line() { # await_line <log name> <text> <seconds>
  for _ in $(seq 1 $(($3 * 10))); do
    grep -q "$2" "$LOGS/$1.log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $LOGS/$1.log:"; tail -20 "$LOGS/$1.log"; exit 1
}

summary() { # prints the caller's JSON summary, one replica per line
  local line
  line=$(grep '^{' "$LOGS/$1.log" | tail -1)
  echo "$line" | grep -o '"calls":[0-9]*,"ok":[0-9]*,"failed":[0-9]*' | tr ',' ' '
  echo "  calls answered per replica:"
  echo "$line" | grep -o '"perReplica":{[^}]*}' | sed 's/"perReplica":{//; s/}$//' | tr ',' '\n' | sed 's/^/    /'
  echo "  latency:" $(echo "$line" | grep -o '"p50Us":[0-9]*,"p99Us":[0-9]*,"p999Us":[0-9]*' | tr ',' ' ')
}

if [ ! -f target/busmesh.jar ]; then
  say "Building target/busmesh.jar"
  mvn -B -q -DskipTests package
fi
cp target/busmesh.jar "$JAR"

say "Starting 3 calculator replicas (cluster '$CLUSTER', logs in $LOGS)"
for i in 1 2 3; do
  node "replica-$i" io.busmesh.examples.calculator.CalculatorVerticle conf/calculator.json &
  PIDS+=($!)
done
for i in 1 2 3; do
  await_line "replica-$i" "is serving" 90
  grep -o "replica [^ ]* of 'calculator' is serving" "$LOGS/replica-$i.log" | sed "s/^/  replica-$i (pid ${PIDS[$((i-1))]}): /"
done

say "Caller 1: 3000 calls through the generated proxy of 'calculator', 16 in flight"
(node caller-1 io.busmesh.examples.calculator.CalculatorClientVerticle \
  '{"calls": 3000, "concurrency": 16, "exitWhenDone": true}') || true
summary caller-1

say "Caller 2: 100000 calls, 4 in flight; replica-1 gets SIGKILL during the run"
node caller-2 io.busmesh.examples.calculator.CalculatorClientVerticle \
  '{"calls": 100000, "concurrency": 4, "callTimeoutMs": 2000, "maxDurationMs": 60000, "exitWhenDone": true}' &
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
  '{"calls": 3000, "concurrency": 16, "exitWhenDone": true}') || true
summary caller-3

say "Stopping every process this demo started"
stop_all
trap - EXIT INT TERM
echo "  done; logs are in $LOGS"
