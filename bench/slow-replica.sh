#!/usr/bin/env bash
# The slow-replica scenario as a deployment sees it: a fresh cluster of launcher processes on
# loopback, three calculator replicas (each its own JVM; in the "mixed" scenario one takes 40 ms a
# call, 20x the others' 2 ms), and a caller JVM started right after them that calls through the
# generated proxy, 16 in flight, as soon as it sees the replicas. It reports the share of calls sent
# to the slow replica over the first 3,000 calls and over 30,000, with p50/p99/p99.9; the "healthy"
# scenario (three 2 ms replicas) gives the all-healthy tail. Every JVM is new for every run, so cold
# JIT, connection set-up and the first latency samples are part of what is measured.
#
#   bench/slow-replica.sh                       # busmesh's default strategy and p2c, both scenarios (~2 min)
#   bench/slow-replica.sh adaptive round-robin  # any strategies by name; "default" is busmesh's default
#   BENCH_SCENARIOS=mixed BENCH_RUNS=3 bench/slow-replica.sh default
#   BENCH_STRATEGY_OPTIONS='{"latencyTolerance": 3}' bench/slow-replica.sh adaptive   # settings for every named strategy
#   BENCH_JAR=/path/to/other/busmesh.jar ...    # the replicas and caller run from another build (the
#                                               # caller class comes from this build's test classes)
set -euo pipefail
cd "$(dirname "$0")/.."

STRATEGIES=("$@")
[[ ${#STRATEGIES[@]} -gt 0 ]] || STRATEGIES=(default p2c)
read -r -a SCENARIOS <<<"${BENCH_SCENARIOS:-mixed healthy}"
RUNS=${BENCH_RUNS:-1}
CALLS=${BENCH_CALLS:-30000}
FIRST=${BENCH_FIRST_CALLS:-3000}
JAR=target/busmesh.jar
# shellcheck source=bench/fresh-jar.sh
source bench/fresh-jar.sh
fresh_jar
WORK=$(mktemp -d "${TMPDIR:-/tmp}/busmesh-slow-replica.XXXXXX")
cp "${BENCH_JAR:-$JAR}" "$WORK/busmesh.jar" # private copies: a rebuild during the run must not pull classes from under the JVMs
CALLER_CP="$WORK/busmesh.jar"
if [[ -n ${BENCH_JAR:-} ]]; then
  mkdir -p "$WORK/caller" && cp -r target/test-classes/io "$WORK/caller/" && CALLER_CP="$WORK/busmesh.jar:$WORK/caller"
fi
PIDS=()
stop_all() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  PIDS=()
}
cleanup() {
  local status=$?
  stop_all
  [[ $status -eq 0 ]] && rm -rf "$WORK" || echo "busmesh-bench: logs kept in $WORK" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

java_flags() { # java_flags <cluster>
  echo "-Xms256m -Xmx256m -Djava.net.preferIPv4Stack=true -Djava.util.logging.config.file=bench/logging.properties -Dbusmesh.cluster.name=$1"
}

replica() { # replica <cluster> <log> <delayMs> <slow>
  # shellcheck disable=SC2046
  java $(java_flags "$1") -jar "$WORK/busmesh.jar" io.busmesh.examples.calculator.CalculatorVerticle \
    -cluster -cluster-host 127.0.0.1 -conf "{\"delayMs\": $3, \"publish\": {\"metadata\": {\"slow\": $4}}}" \
    >"$WORK/$2.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 900); do
    grep -q "is serving" "$WORK/$2.log" && return 0
    kill -0 "${PIDS[-1]}" 2>/dev/null || { echo "busmesh-bench: replica $2 exited:" >&2; tail -20 "$WORK/$2.log" >&2; return 1; }
    sleep 0.1
  done
  echo "busmesh-bench: replica $2 not serving after 90 s" >&2
  return 1
}

results=()
for ((run = 1; run <= RUNS; run++)); do
  # Each run starts one strategy further, so that no strategy always runs after another: with p2c always
  # first, adaptive's healthy p50 was the higher one in eight pairs of eight; with adaptive first, in one of two.
  first=$(((run - 1) % ${#STRATEGIES[@]}))
  ORDERED=("${STRATEGIES[@]:first}" "${STRATEGIES[@]:0:first}")
  for scenario in "${SCENARIOS[@]}"; do
    for strategy in "${ORDERED[@]}"; do
      cluster="busmesh-slow-$$-$run-$scenario-$strategy"
      slowDelay=40
      [[ $scenario == healthy ]] && slowDelay=2
      replica "$cluster" "$scenario-$strategy-r1" 2 false
      replica "$cluster" "$scenario-$strategy-r2" "$slowDelay" "$([[ $scenario == mixed ]] && echo true || echo false)"
      replica "$cluster" "$scenario-$strategy-r3" 2 false
      mesh='{}'
      [[ $strategy == default ]] || mesh="{\"services\": {\"calculator\": {\"strategy\": \"$strategy\", \"strategyOptions\": ${BENCH_STRATEGY_OPTIONS:-{\}}}}}"
      conf="{\"calls\": $CALLS, \"firstCalls\": $FIRST, \"concurrency\": 16, \"label\": \"$scenario\", \"mesh\": $mesh}"
      log="$WORK/$scenario-$strategy-caller.log"
      # shellcheck disable=SC2046
      timeout --kill-after=10 240 java $(java_flags "$cluster") -cp "$CALLER_CP" io.busmesh.launcher.MeshLauncher \
        io.busmesh.bench.SlowReplicaCaller -cluster -cluster-host 127.0.0.1 -conf "$conf" >"$log" 2>&1 \
        || { echo "busmesh-bench: the caller failed ($scenario, $strategy):" >&2; tail -20 "$log" >&2; exit 1; }
      grep '^busmesh-bench:' "$log" >&2 || true
      line=$(grep '^{"benchmark":"busmesh-slow-replica"' "$log" | tail -1)
      echo "$line"
      results+=("$line")
      stop_all
    done
  done
done

printf '\n%-8s %-16s | %-38s | %-38s | %s\n' "" "" "first $FIRST calls" "all $CALLS calls" "calls per replica"
printf '%-8s %-16s | %7s %7s %7s %7s %7s | %7s %7s %7s %7s %7s |\n' scenario strategy "slow %" "p50 ms" "p99 ms" "p99.9" "calls/s" \
  "slow %" "p50 ms" "p99 ms" "p99.9" "calls/s"
for line in "${results[@]}"; do
  python3 - "$line" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); f = r["first"]; a = r["all"]
row = lambda x: "%7.2f %7.2f %7.2f %7.2f %7d" % (x["slowSharePercent"], x["p50Ms"], x["p99Ms"], x["p999Ms"], x["callsPerSecond"])
print("%-8s %-16s | %s | %s | %s" % (r["label"], r["strategy"], row(f), row(a), r["callsPerReplica"]))
PY
done
